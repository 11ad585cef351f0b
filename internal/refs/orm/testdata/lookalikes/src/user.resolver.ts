import { Field, ObjectType, Resolver, Query } from "@nestjs/graphql";
import { Entity } from "./not-typeorm";

@ObjectType()
export class UserNode {
  @Field()
  nickname!: string;
}

@Entity()
export class CacheEntry {
  key!: string;
}

@Resolver(() => UserNode)
export class UserResolver {
  @Query(() => [UserNode])
  users() {
    return [{ nickname: "a", legacy: true }].filter((u) => u.nickname);
  }
}
