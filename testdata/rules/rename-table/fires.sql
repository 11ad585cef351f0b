ALTER TABLE customers RENAME TO clients; -- want: rename-table "renaming table customers to clients breaks the running release"
ALTER TABLE orders SET SCHEMA archive; -- want: rename-table "moving orders to schema archive breaks the running release"
