-- +goose Up
ALTER TABLE tags DROP COLUMN legacy;
ALTER TABLE tags RENAME COLUMN label TO name;
CREATE INDEX tags_name ON tags (name);
ALTER TABLE tags ALTER COLUMN name SET NOT NULL;
