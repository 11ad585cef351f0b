import { pgTable, bigserial, text, timestamp } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  nickname: text("nickname"),
  createdAt: timestamp("created_at"),
});
