-- format: goose
-- transactional: false
CREATE INDEX CONCURRENTLY index_users_on_email ON users (email); -- want: prefer-robust-statements "^CREATE INDEX without IF NOT EXISTS runs outside a transaction.*retry fails"
ALTER TABLE users ADD COLUMN nickname text; -- want: prefer-robust-statements "^ADD COLUMN without IF NOT EXISTS"
DROP INDEX CONCURRENTLY index_users_on_name; -- want: prefer-robust-statements "^DROP INDEX without IF EXISTS"
