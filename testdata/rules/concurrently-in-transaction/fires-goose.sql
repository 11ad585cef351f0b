-- format: goose
-- transactional: true
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email); -- want: concurrently-in-transaction "^CREATE INDEX CONCURRENTLY cannot run inside a transaction block.*migration runs inside a transaction"
