-- format: golang-migrate
-- transactional: true
ALTER TABLE users ADD COLUMN a int;
COMMIT; -- want: transaction-nesting "^COMMIT ends the implicit transaction PostgreSQL runs a file of several statements in: the statements before it stay committed"
ALTER TABLE users ADD COLUMN b int;
