ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- want: unique-constraint-without-index
ALTER TABLE users ADD COLUMN handle text UNIQUE; -- want: unique-constraint-without-index
