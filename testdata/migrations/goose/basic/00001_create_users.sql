-- +goose Up
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    username text NOT NULL,
    email text NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);

-- +goose Down
DROP TABLE users;
