-- format: goose
-- transactional: false
CREATE INDEX CONCURRENTLY index_users_on_email ON users (email); -- want: prefer-robust-statements
ALTER TABLE users ADD COLUMN nickname text; -- want: prefer-robust-statements
DROP INDEX CONCURRENTLY index_users_on_name; -- want: prefer-robust-statements
