-- format: flyway
-- transactional: true
ALTER TABLE users ADD COLUMN a int;
COMMIT; -- want: transaction-nesting "^COMMIT ends the transaction the migration tool opened"
CREATE INDEX CONCURRENTLY users_a ON users (a);
