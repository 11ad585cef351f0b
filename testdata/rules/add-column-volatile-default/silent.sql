-- Constant and stable defaults are instant from PostgreSQL 11.
ALTER TABLE events ADD COLUMN status text DEFAULT 'new';
ALTER TABLE events ADD COLUMN created_at timestamptz DEFAULT now();
ALTER TABLE events ADD COLUMN created_on date DEFAULT CURRENT_DATE;
ALTER TABLE events ADD COLUMN tags text[] DEFAULT '{}'::text[];
ALTER TABLE events ADD COLUMN weight numeric DEFAULT -1.5;
ALTER TABLE events ADD COLUMN note text DEFAULT NULL;
CREATE TABLE fresh (id bigint);
ALTER TABLE fresh ADD COLUMN token uuid DEFAULT gen_random_uuid();
