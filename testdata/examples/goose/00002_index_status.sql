-- +goose Up
-- Blocks every write to orders while the index builds.
CREATE INDEX orders_status ON orders (status);

-- +goose Down
DROP INDEX orders_status;
