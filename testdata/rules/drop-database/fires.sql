DROP DATABASE IF EXISTS legacy; -- want: drop-database
