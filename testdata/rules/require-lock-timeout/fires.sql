ALTER TABLE users ADD COLUMN nickname text; -- want: require-lock-timeout
SET lock_timeout = 0;
ALTER TABLE users DROP COLUMN nickname; -- want: require-lock-timeout
