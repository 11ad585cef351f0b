-- format: goose
-- transactional: true
BEGIN; -- want: transaction-nesting "BEGIN inside a transaction: the migration tool already runs this migration in a transaction"
ALTER TABLE users ADD COLUMN a int;
COMMIT; -- want: transaction-nesting "COMMIT ends the transaction the migration tool opened.*outside any transaction"
