CREATE TABLE widgets (id bigint);
ALTER TABLE widgets ADD COLUMN name text;
CREATE INDEX CONCURRENTLY IF NOT EXISTS widgets_on_users ON users (id);
