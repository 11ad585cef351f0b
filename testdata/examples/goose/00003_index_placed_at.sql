-- +goose NO TRANSACTION
-- +goose Up
-- The safe way: concurrently, outside a transaction, rerunnable.
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_placed_at ON orders (placed_at);

-- +goose Down
DROP INDEX CONCURRENTLY IF EXISTS orders_placed_at;
