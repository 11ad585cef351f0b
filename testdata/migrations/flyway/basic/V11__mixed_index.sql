SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY orders_id_customer_idx ON orders (id, customer_id);
