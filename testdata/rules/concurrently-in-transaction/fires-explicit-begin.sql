BEGIN;
DROP INDEX CONCURRENTLY IF EXISTS index_users_on_email; -- want: concurrently-in-transaction
REINDEX INDEX CONCURRENTLY index_users_on_name; -- want: concurrently-in-transaction
VACUUM users; -- want: concurrently-in-transaction
COMMIT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_age ON users (age);
