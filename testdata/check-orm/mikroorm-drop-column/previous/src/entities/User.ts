import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

@Entity({ tableName: "users" })
export class User {
  @PrimaryKey()
  id!: number;

  @Property()
  nickname!: string;

  @Property({ nullable: true })
  legacy?: string;

  @Property()
  createdAt = new Date();
}
