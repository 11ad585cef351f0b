CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- migrate:up
CREATE INDEX posts_title_trgm_idx ON posts USING gin (title gin_trgm_ops);
-- migrate:down
DROP INDEX posts_title_trgm_idx;
