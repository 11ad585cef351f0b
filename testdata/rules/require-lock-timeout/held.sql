-- format: flyway
-- transactional: true
-- Once the transaction holds the lock, later statements do not wait for it.
ALTER TABLE invoices ADD COLUMN public_id uuid; -- want: require-lock-timeout "ADD COLUMN .* on invoices without a lock_timeout"
ALTER TABLE invoices ADD COLUMN note text;
ALTER TABLE customers ADD COLUMN note text; -- want: require-lock-timeout "ADD COLUMN .* on customers without a lock_timeout"
