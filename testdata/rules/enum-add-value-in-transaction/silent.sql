-- format: goose
-- transactional: true
ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived';
