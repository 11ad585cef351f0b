ALTER TABLE users ADD COLUMN settings json; -- want: add-column-json
