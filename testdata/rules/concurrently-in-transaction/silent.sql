-- format: goose
-- transactional: false
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);
-- REFRESH ... CONCURRENTLY may run in a transaction.
BEGIN;
REFRESH MATERIALIZED VIEW CONCURRENTLY sales_summary;
COMMIT;
