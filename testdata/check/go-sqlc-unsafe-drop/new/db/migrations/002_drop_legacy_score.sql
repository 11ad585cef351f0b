-- +goose Up
ALTER TABLE users DROP COLUMN legacy_score;
