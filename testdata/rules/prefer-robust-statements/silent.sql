-- format: goose
-- transactional: false
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);
ALTER TABLE users ADD COLUMN IF NOT EXISTS nickname text;
DROP INDEX CONCURRENTLY IF EXISTS index_users_on_name;
