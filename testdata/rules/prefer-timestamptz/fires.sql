ALTER TABLE events ADD COLUMN happened_at timestamp; -- want: prefer-timestamptz
CREATE TABLE logs (at timestamp(6) without time zone); -- want: prefer-timestamptz
