-- format: dbmate
-- transactional: true
ALTER TABLE users ADD COLUMN a int;
ROLLBACK; -- want: transaction-nesting "^ROLLBACK ends the transaction the migration tool opened: it undoes the statements before it while the tool records the migration as applied"
