BEGIN;
DROP INDEX CONCURRENTLY IF EXISTS index_users_on_email; -- want: concurrently-in-transaction "^DROP INDEX CONCURRENTLY cannot run inside a transaction block.*explicit BEGIN"
REINDEX INDEX CONCURRENTLY index_users_on_name; -- want: concurrently-in-transaction "^REINDEX CONCURRENTLY cannot run inside a transaction block.*explicit BEGIN"
VACUUM users; -- want: concurrently-in-transaction "^VACUUM cannot run inside a transaction block"
COMMIT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_age ON users (age);
