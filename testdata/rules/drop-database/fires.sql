DROP DATABASE IF EXISTS legacy; -- want: drop-database "DROP DATABASE legacy destroys every table"
