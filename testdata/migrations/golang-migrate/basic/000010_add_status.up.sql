BEGIN;
ALTER TABLE accounts ADD COLUMN status text;
UPDATE accounts SET status = 'active';
COMMIT;
