-- CONCURRENTLY outside a transaction, and an index on a table created
-- in the same migration, are fine.
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);
CREATE TABLE invoices (id bigint PRIMARY KEY, user_id bigint);
CREATE INDEX index_invoices_on_user_id ON invoices (user_id);
