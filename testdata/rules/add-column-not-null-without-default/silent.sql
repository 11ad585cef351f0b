ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN nickname text;
CREATE TABLE accounts (id bigint);
ALTER TABLE accounts ADD COLUMN owner_id bigint NOT NULL;
