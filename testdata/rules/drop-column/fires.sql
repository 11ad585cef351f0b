ALTER TABLE users DROP COLUMN legacy_score; -- want: drop-column "dropping column users\.legacy_score breaks the running release"
ALTER TABLE users DROP COLUMN IF EXISTS a, DROP COLUMN b; -- want: drop-column "column users\.a breaks", drop-column "column users\.b breaks"
