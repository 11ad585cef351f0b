import { eq } from "drizzle-orm";
import { db } from "./db";
import { users, invoices } from "./db/schema";

export async function byNick(nick: string) {
  const rows = await db.select({ id: users.id, first: users.firstName }).from(users).where(eq(users.nickname, nick));
  await db.insert(invoices).values({ userId: rows[0].id, total: 10 });
  await db.update(users).set({ nickname: "x" }).where(eq(users.id, 1));
  const json = { nickname: nick, firstName: rows[0].first };
  return users.getSQL ? json : rows;
}
