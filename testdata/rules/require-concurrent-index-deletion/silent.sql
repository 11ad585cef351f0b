DROP INDEX CONCURRENTLY IF EXISTS index_users_on_email;
CREATE TABLE tmp_things (id bigint);
CREATE INDEX tmp_things_id ON tmp_things (id);
DROP INDEX tmp_things_id;
