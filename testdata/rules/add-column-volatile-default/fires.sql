ALTER TABLE events ADD COLUMN uuid uuid DEFAULT gen_random_uuid(); -- want: add-column-volatile-default
ALTER TABLE events ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp(); -- want: add-column-volatile-default
ALTER TABLE events ADD COLUMN seq bigserial; -- want: add-column-volatile-default
ALTER TABLE events ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY; -- want: add-column-volatile-default
ALTER TABLE events ADD COLUMN score int DEFAULT my_score(); -- want: add-column-volatile-default
