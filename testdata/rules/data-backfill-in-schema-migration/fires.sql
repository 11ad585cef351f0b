ALTER TABLE users ADD COLUMN active boolean;
UPDATE users SET active = true; -- want: data-backfill-in-schema-migration "UPDATE of every row of users in a schema migration holds its row locks"
DELETE FROM sessions WHERE expired; -- want: data-backfill-in-schema-migration "DELETE of sessions in a schema migration holds its row locks"
UPDATE orders SET status = 'x' WHERE id = 1; -- want: data-backfill-in-schema-migration "^3 UPDATE statements of orders \(to line 7\) in a schema migration hold their row locks"
SET statement_timeout = 0;
UPDATE orders SET status = 'x' WHERE id = 2;
UPDATE orders SET status = 'x' WHERE id = 3;
DELETE FROM orders WHERE id = 4; -- want: data-backfill-in-schema-migration "^DELETE of orders in a schema"
