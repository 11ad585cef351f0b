CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL, status text NOT NULL DEFAULT 'new', payload jsonb);
