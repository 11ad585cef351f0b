-- +goose Up
ALTER TABLE customers DROP COLUMN nickname;
