BEGIN;
ALTER TYPE status ADD VALUE 'archived';
UPDATE posts SET status = 'archived' WHERE deleted; -- want: enum-add-value-in-transaction "enum value 'archived' is used in the same transaction that adds it"
COMMIT;
