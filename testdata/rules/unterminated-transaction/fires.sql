BEGIN; -- want: unterminated-transaction "this BEGIN is never committed"
ALTER TABLE users ADD COLUMN a int;
