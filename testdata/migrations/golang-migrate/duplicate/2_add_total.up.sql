ALTER TABLE orders ADD COLUMN total numeric(12,2);
