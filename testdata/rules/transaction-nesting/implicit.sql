-- format: golang-migrate
-- transactional: true
-- A file of several statements runs as one implicit transaction: BEGIN
-- makes it explicit, and its COMMIT ends it as intended.
BEGIN;
ALTER TABLE users ADD COLUMN a int;
COMMIT;
