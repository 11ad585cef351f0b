BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD COLUMN flag boolean;
UPDATE orders SET status = 'x' WHERE status IS NULL; -- want: statement-after-access-exclusive "^UPDATE runs while the ACCESS EXCLUSIVE lock on users taken at line 3 is held"
CREATE INDEX index_orders_on_status ON orders (status); -- want: statement-after-access-exclusive "^CREATE INDEX runs while the ACCESS EXCLUSIVE lock on users taken at line 3"
COMMIT;
