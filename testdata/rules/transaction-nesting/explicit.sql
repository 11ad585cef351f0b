BEGIN;
ALTER TABLE users ADD COLUMN a int;
BEGIN; -- want: transaction-nesting "BEGIN inside a transaction: an earlier BEGIN is still open"
COMMIT;
