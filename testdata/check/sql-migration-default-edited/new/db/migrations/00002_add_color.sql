-- +goose Up
ALTER TABLE items ADD COLUMN color text;
