ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- want: set-not-null-without-check "SET NOT NULL on users\.email scans the whole table under an ACCESS EXCLUSIVE lock"
-- A NOT VALID check proves nothing until it is validated.
ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID;
ALTER TABLE users ALTER COLUMN name SET NOT NULL; -- want: set-not-null-without-check "SET NOT NULL on users\.name scans the whole table"
