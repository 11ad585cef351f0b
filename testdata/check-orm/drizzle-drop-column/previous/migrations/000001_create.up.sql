CREATE TABLE users (id bigserial PRIMARY KEY, nickname text, legacy text, created_at timestamptz);
