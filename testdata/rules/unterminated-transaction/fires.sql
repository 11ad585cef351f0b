BEGIN; -- want: unterminated-transaction
ALTER TABLE users ADD COLUMN a int;
