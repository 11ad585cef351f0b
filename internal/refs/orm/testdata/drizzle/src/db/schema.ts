import { pgTable, pgSchema, serial, text, integer, timestamp, varchar } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  nickname: text("nickname").notNull(),
  firstName: varchar("first_name", { length: 80 }),
  createdAt: timestamp().defaultNow(),
});

const billing = pgSchema("billing");

export const invoices = billing.table("invoices", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").references(() => users.id),
  total: integer("total_cents"),
});
