BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
ALTER TABLE users ADD COLUMN bio text; -- want: require-lock-timeout "ADD COLUMN takes an ACCESS EXCLUSIVE lock on users without a lock_timeout"
