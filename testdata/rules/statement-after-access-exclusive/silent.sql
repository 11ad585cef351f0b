BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD COLUMN flag boolean;
ALTER TABLE users ADD COLUMN note text;
COMMENT ON COLUMN users.flag IS 'set by the new release';
COMMIT;
UPDATE orders SET status = 'x' WHERE status IS NULL;
