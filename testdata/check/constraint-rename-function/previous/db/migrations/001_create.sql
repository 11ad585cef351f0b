-- +goose Up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);
-- +goose StatementBegin
CREATE FUNCTION normalize_email(e text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(e)) $$;
-- +goose StatementEnd
