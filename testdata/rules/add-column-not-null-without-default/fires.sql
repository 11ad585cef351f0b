ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL; -- want: add-column-not-null-without-default
ALTER TABLE users ADD COLUMN region text NOT NULL DEFAULT NULL; -- want: add-column-not-null-without-default
