-- pg-version: 11
-- Before 12 the check constraint does not help.
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- want: set-not-null-without-check "SET NOT NULL on users\.email scans the whole table under an ACCESS EXCLUSIVE lock"
