-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
