ALTER TABLE users ADD COLUMN active boolean;
UPDATE users SET active = true; -- want: data-backfill-in-schema-migration "UPDATE of every row of users in a schema migration holds its row locks"
DELETE FROM sessions WHERE expired; -- want: data-backfill-in-schema-migration "DELETE of sessions in a schema migration holds its row locks"
