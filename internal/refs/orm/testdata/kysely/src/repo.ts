import { Kysely, CamelCasePlugin } from "kysely";
import type { DB } from "./types";

export async function run(db: Kysely<DB>) {
  await db.selectFrom("person as p").innerJoin("pet", "pet.ownerId", "p.id").select(["p.firstName", "pet.name as petName"]).where("p.lastName", "=", "x").execute();
  await db.insertInto("person").values({ firstName: "a", lastName: "b" }).returning("id").executeTakeFirst();
  await db.updateTable("person").set({ lastName: "c" }).where("id", "=", 1).execute();
  await db.deleteFrom("pet").where("name", "=", "rex").execute();
  await db.selectFrom("person").selectAll().execute();
  await db.with("recent", (qb) => qb.selectFrom("pet").select("id")).selectFrom("recent").select("id").execute();
}

export const db2 = new Kysely<DB>({ dialect: null as any, plugins: [new CamelCasePlugin()] });
