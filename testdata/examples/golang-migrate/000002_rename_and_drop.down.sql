ALTER TABLE users ADD COLUMN legacy_score integer;
ALTER TABLE users RENAME COLUMN full_name TO name;
