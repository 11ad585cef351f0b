-- Deploy flipr:users to pg
-- requires: appschema

BEGIN;

ALTER TABLE flipr.users ADD COLUMN twitter text NOT NULL DEFAULT '';

COMMIT;
