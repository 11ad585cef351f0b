-- +goose Up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_score integer);
