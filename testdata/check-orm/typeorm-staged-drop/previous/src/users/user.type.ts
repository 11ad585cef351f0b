import { Field, ObjectType } from "@nestjs/graphql";

@ObjectType()
export class UserType {
  @Field({ nullable: true })
  legacy?: string;
}
