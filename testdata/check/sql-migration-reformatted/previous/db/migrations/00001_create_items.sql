-- +goose Up
CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2) DEFAULT 0);
CREATE INDEX items_name ON items (name);
