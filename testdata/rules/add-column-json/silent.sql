ALTER TABLE users ADD COLUMN settings jsonb;
CREATE TABLE payloads (body json);
