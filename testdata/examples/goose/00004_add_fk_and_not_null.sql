-- +goose Up
SET lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE orders ADD COLUMN currency char(3) NOT NULL;
UPDATE orders SET status = 'legacy' WHERE placed_at < '2020-01-01';

-- +goose Down
ALTER TABLE orders DROP COLUMN currency;
ALTER TABLE orders DROP CONSTRAINT orders_customer_fk;
