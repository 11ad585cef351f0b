-- migrate:up
CREATE TABLE accounts (id bigint PRIMARY KEY, name text, plan text);
-- migrate:down
DROP TABLE accounts;
