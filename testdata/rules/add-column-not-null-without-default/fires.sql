ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL; -- want: add-column-not-null-without-default "NOT NULL column tenant_id to users without a default fails.*INSERTs"
ALTER TABLE users ADD COLUMN region text NOT NULL DEFAULT NULL; -- want: add-column-not-null-without-default "NOT NULL column region to users without a default"
