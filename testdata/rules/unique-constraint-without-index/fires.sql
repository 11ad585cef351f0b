ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- want: unique-constraint-without-index "UNIQUE constraint on users \(email\) builds its index under an ACCESS EXCLUSIVE lock"
ALTER TABLE users ADD COLUMN handle text UNIQUE; -- want: unique-constraint-without-index "UNIQUE constraint on users \(handle\)"
