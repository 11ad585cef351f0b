ALTER TABLE users ADD COLUMN active boolean;
UPDATE users SET active = true; -- want: data-backfill-in-schema-migration
DELETE FROM sessions WHERE expired; -- want: data-backfill-in-schema-migration
