BEGIN;
ALTER TABLE users ADD COLUMN a int;
BEGIN; -- want: transaction-nesting
COMMIT;
