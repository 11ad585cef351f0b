-- format: goose
-- transactional: true
BEGIN; -- want: transaction-nesting
ALTER TABLE users ADD COLUMN a int;
COMMIT; -- want: transaction-nesting
