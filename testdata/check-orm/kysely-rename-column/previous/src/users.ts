import { Kysely } from "kysely";
import type { DB } from "./types";

export async function byNick(db: Kysely<DB>, nick: string) {
  return db.selectFrom("users").select(["id", "nickname"]).where("nickname", "=", nick).executeTakeFirst();
}
