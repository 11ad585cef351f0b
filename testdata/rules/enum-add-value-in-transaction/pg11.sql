-- pg-version: 11
-- format: goose
-- transactional: true
ALTER TYPE status ADD VALUE 'archived'; -- want: enum-add-value-in-transaction "ALTER TYPE status ADD VALUE cannot run inside a transaction block before PostgreSQL 12"
