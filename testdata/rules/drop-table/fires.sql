DROP TABLE legacy_events; -- want: drop-table
DROP TABLE IF EXISTS a, b CASCADE; -- want: drop-table, drop-table
