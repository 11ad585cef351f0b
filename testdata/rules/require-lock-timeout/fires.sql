ALTER TABLE users ADD COLUMN nickname text; -- want: require-lock-timeout "ADD COLUMN takes an ACCESS EXCLUSIVE lock on users without a lock_timeout"
SET lock_timeout = 0;
ALTER TABLE users DROP COLUMN nickname; -- want: require-lock-timeout "DROP COLUMN takes an ACCESS EXCLUSIVE lock on users without a lock_timeout.*every query on the table waits"
