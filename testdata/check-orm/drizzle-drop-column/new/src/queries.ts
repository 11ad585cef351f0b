import { eq } from "drizzle-orm";
import { db } from "./db";
import { users } from "./schema";

export const all = () => db.select().from(users);
export const byNick = (n: string) => db.select().from(users).where(eq(users.nickname, n));
