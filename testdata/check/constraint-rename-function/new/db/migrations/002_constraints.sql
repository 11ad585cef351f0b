-- +goose NO TRANSACTION
-- +goose Up
SET lock_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
ALTER TABLE orders RENAME TO purchases;
DROP FUNCTION normalize_email(text);
