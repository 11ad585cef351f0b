BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD COLUMN flag boolean;
UPDATE orders SET status = 'x' WHERE status IS NULL; -- want: statement-after-access-exclusive "^UPDATE and 1 more statement \(to line 5\) run while the ACCESS EXCLUSIVE lock on users taken at line 3 is held"
CREATE INDEX index_orders_on_status ON orders (status);
COMMIT;
BEGIN;
ALTER TABLE accounts ALTER COLUMN id TYPE bigint;
COMMENT ON TABLE accounts IS 'x';
CREATE INDEX index_accounts_on_name ON accounts (name); -- want: statement-after-access-exclusive "^CREATE INDEX runs while the ACCESS EXCLUSIVE lock on accounts taken at line 8 is held"
COMMIT;
-- Dropping another table still waits for its lock while users stays locked.
BEGIN;
ALTER TABLE users ADD COLUMN archived boolean;
DROP TABLE old_users; -- want: statement-after-access-exclusive "^DROP TABLE runs while the ACCESS EXCLUSIVE lock on users taken at line 14"
COMMIT;
