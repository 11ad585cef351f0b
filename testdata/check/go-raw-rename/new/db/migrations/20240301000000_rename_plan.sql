-- migrate:up
ALTER TABLE accounts RENAME COLUMN plan TO tier;
-- migrate:down
ALTER TABLE accounts RENAME COLUMN tier TO plan;
