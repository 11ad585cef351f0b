ALTER TABLE users ALTER COLUMN name DROP NOT NULL; -- want: drop-not-null
