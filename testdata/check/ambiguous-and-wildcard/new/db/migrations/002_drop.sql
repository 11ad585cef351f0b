-- +goose Up
ALTER TABLE books DROP COLUMN blurb;
ALTER TABLE authors DROP COLUMN name;
