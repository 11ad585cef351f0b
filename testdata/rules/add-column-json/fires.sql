ALTER TABLE users ADD COLUMN settings json; -- want: add-column-json "users\.settings is json.*no equality operator.*DISTINCT or UNION"
