-- migrate:up
CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    title text NOT NULL,
    body text
);

-- migrate:down
DROP TABLE posts;
