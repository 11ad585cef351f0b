-- Plain SQL runs statement by statement anyway: only the CONCURRENTLY
-- build, which leaves an INVALID index when it fails, must be rerunnable.
CREATE TABLE audit_log (id bigint);
CREATE INDEX CONCURRENTLY index_users_on_email ON users (email); -- want: prefer-robust-statements "^CREATE INDEX without IF NOT EXISTS runs outside a transaction.*retry fails"
DROP INDEX CONCURRENTLY IF EXISTS index_users_on_name;
