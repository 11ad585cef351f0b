CREATE TABLE events (id serial PRIMARY KEY, user_id integer, n int); -- want: prefer-bigint "key column id is serial.*prefer bigint", prefer-bigint "key column user_id is integer.*prefer bigint"
ALTER TABLE events ADD COLUMN account_id int REFERENCES accounts (id); -- want: prefer-bigint "key column account_id is integer.*2 billion"
