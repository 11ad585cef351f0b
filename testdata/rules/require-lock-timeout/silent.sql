SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users RENAME COLUMN bio TO about;
CREATE TABLE things (id bigint);
ALTER TABLE things ADD COLUMN name text;
