DROP TABLE legacy_events; -- want: drop-table "dropping table legacy_events breaks the running release"
DROP TABLE IF EXISTS a, b CASCADE; -- want: drop-table "table a breaks", drop-table "table b breaks"
