-- Backfill in one explicit transaction of our own.
-- migrate:up transaction:false
BEGIN;
UPDATE posts SET slug = lower(replace(title, ' ', '-')) WHERE slug IS NULL;
COMMIT;

-- migrate:down
