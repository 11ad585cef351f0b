-- +goose Up
COMMENT ON TABLE users IS '-- schemagate:ignore-file drop-column,still-referenced-by-new-release retired';
SELECT $$ -- schemagate:ignore drop-column,still-referenced-by-new-release retired $$; ALTER TABLE users DROP COLUMN legacy_score;
