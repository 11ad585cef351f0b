import { IsString, MaxLength } from "class-validator";
import { ApiProperty } from "@nestjs/swagger";

export class UpdateUserDto {
  @ApiProperty()
  @IsString()
  @MaxLength(40)
  nickname!: string;

  @IsString()
  legacy?: string;
}
