ALTER TABLE events ADD COLUMN happened_at timestamp; -- want: prefer-timestamptz "column happened_at is timestamp without time zone; prefer timestamptz"
CREATE TABLE logs (at timestamp(6) without time zone); -- want: prefer-timestamptz "column at is timestamp without time zone"
