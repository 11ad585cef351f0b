ALTER TABLE users RENAME COLUMN name TO full_name; -- want: rename-column "renaming column users\.name to full_name breaks the running release"
