ALTER TABLE events ADD COLUMN happened_at timestamptz;
CREATE TABLE logs (at timestamp with time zone, d date, t time);
