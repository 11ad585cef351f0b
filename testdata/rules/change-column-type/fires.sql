ALTER TABLE orders ALTER COLUMN id TYPE bigint; -- want: change-column-type
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2) USING total::numeric; -- want: change-column-type
