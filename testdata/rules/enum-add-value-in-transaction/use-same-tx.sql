BEGIN;
ALTER TYPE status ADD VALUE 'archived';
UPDATE posts SET status = 'archived' WHERE deleted; -- want: enum-add-value-in-transaction
COMMIT;
