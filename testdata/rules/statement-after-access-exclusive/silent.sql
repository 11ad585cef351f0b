BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD COLUMN flag boolean;
ALTER TABLE users ADD COLUMN note text;
COMMENT ON COLUMN users.flag IS 'set by the new release';
COMMIT;
UPDATE orders SET status = 'x' WHERE status IS NULL;
BEGIN;
ALTER TABLE users ADD COLUMN team_id bigint;
CREATE TABLE teams (id bigint PRIMARY KEY, name text);
CREATE SEQUENCE team_numbers;
COMMIT;
-- A dropped table's lock blocks no one who could still use it: Rails'
-- drop_table :permissions; drop_table :permissions_roles.
BEGIN;
DROP TABLE permissions;
DROP TABLE permissions_roles;
COMMIT;
BEGIN;
ALTER TABLE sessions ADD COLUMN expired boolean;
DROP TABLE sessions;
DROP TABLE old_sessions;
COMMIT;
-- The lock CREATE TABLE takes is on a table no one can use yet (redmine's
-- 007: create_table :journals, then drop_table :issue_histories).
BEGIN;
CREATE TABLE journals (id bigint, notes text);
CREATE MATERIALIZED VIEW journal_counts AS SELECT count(*) FROM journals;
DROP TABLE issue_histories;
COMMIT;
