-- pg-version: 10
ALTER TABLE events ADD COLUMN status text DEFAULT 'new'; -- want: add-column-volatile-default "status to events rewrites .* before PostgreSQL 11 any default \('new'\) is written into every row"
ALTER TABLE events ADD COLUMN note text;
