-- pg-version: 11
-- format: goose
-- transactional: true
ALTER TYPE status ADD VALUE 'archived'; -- want: enum-add-value-in-transaction
