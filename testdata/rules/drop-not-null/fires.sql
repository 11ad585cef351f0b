ALTER TABLE users ALTER COLUMN name DROP NOT NULL; -- want: drop-not-null "DROP NOT NULL on users\.name lets NULLs reach code"
