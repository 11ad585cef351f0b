ALTER TABLE users DROP COLUMN legacy_score; -- want: drop-column
ALTER TABLE users DROP COLUMN IF EXISTS a, DROP COLUMN b; -- want: drop-column, drop-column
