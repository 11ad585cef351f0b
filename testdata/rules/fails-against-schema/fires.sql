-- Each statement is checked on the schema the statements before it built.
CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
CREATE INDEX users_email ON users (email);
ALTER TABLE users DROP COLUMN name;
ALTER TABLE users DROP COLUMN name; -- want: fails-against-schema "column \"name\" of relation \"users\" does not exist; this migration \(line 4\) dropped it"
ALTER TABLE users ADD COLUMN email text; -- want: fails-against-schema "column \"email\" of relation \"users\" already exists; this migration \(line 2\) added it"
ALTER TABLE users ADD COLUMN Email text; -- want: fails-against-schema "column \"email\" of relation \"users\" already exists"
ALTER TABLE users RENAME COLUMN emial TO mail; -- want: fails-against-schema "column \"emial\" does not exist; this migration \(line 2\) created the table without it"
ALTER TABLE users RENAME COLUMN email TO id; -- want: fails-against-schema "column \"id\" of relation \"users\" already exists"
ALTER TABLE users ALTER COLUMN nickname SET NOT NULL; -- want: fails-against-schema "column \"nickname\" of relation \"users\" does not exist"
CREATE INDEX users_email ON users (email); -- want: fails-against-schema "relation \"users_email\" already exists; this migration \(line 3\) created it"
CREATE INDEX users_name ON users (name); -- want: fails-against-schema "column \"name\" does not exist; this migration \(line 4\) dropped it"
ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name); -- want: fails-against-schema "column \"name\" named in key does not exist"
DROP INDEX users_email;
DROP INDEX users_email; -- want: fails-against-schema "index \"users_email\" does not exist; this migration \(line 14\) dropped it"
CREATE TABLE users (id int); -- want: fails-against-schema "relation \"users\" already exists; this migration \(line 2\) created it"
CREATE TABLE accounts (id int);
ALTER TABLE accounts RENAME TO users; -- want: fails-against-schema "relation \"users\" already exists"
DROP TABLE users;
ALTER TABLE users ADD COLUMN plan text; -- want: fails-against-schema "relation \"users\" does not exist; this migration \(line 19\) dropped it"
INSERT INTO users (id) VALUES (1); -- want: fails-against-schema "relation \"users\" does not exist"
DROP TABLE users; -- want: fails-against-schema "table \"users\" does not exist; this migration \(line 19\) dropped it"
ALTER TABLE accounts RENAME TO members;
ALTER TABLE accounts ADD COLUMN plan text; -- want: fails-against-schema "relation \"accounts\" does not exist; this migration \(line 23\) renamed it to members"
