import { Field, ObjectType } from "@nestjs/graphql";

@ObjectType()
export class UserType {
  @Field()
  nickname!: string;

  @Field({ nullable: true })
  legacy?: string;
}
