CREATE TABLE events (id serial PRIMARY KEY, user_id integer, n int); -- want: prefer-bigint, prefer-bigint
ALTER TABLE events ADD COLUMN account_id int REFERENCES accounts (id); -- want: prefer-bigint
