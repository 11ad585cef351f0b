ALTER TABLE customers RENAME TO clients; -- want: rename-table
ALTER TABLE orders SET SCHEMA archive; -- want: rename-table
