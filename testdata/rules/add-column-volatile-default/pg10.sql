-- pg-version: 10
ALTER TABLE events ADD COLUMN status text DEFAULT 'new'; -- want: add-column-volatile-default
ALTER TABLE events ADD COLUMN note text;
