-- One statement: migrate sends it alone, so CONCURRENTLY works.
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_created_at_idx ON accounts (created_at);
