CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, status text DEFAULT 'new', source text, payload jsonb);
