-- +goose up
CREATE TABLE profiles (
    user_id bigint PRIMARY KEY REFERENCES users (id),
    bio text
);

-- +goose down
DROP TABLE profiles;
