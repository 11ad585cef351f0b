-- schemagate:ignore require-lock-timeout the users table is tiny and read by one batch job
ALTER TABLE users ALTER COLUMN email TYPE text;
