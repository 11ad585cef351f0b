import { Entity, PrimaryKey, Property } from "@mikro-orm/core";

@Entity({ tableName: "users" })
export class User {
  @PrimaryKey()
  id!: number;

  @Property()
  nickname!: string;

  @Property({ persist: false })
  legacy?: string;

  @Property()
  createdAt = new Date();
}
