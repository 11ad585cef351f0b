VACUUM FULL events; -- want: vacuum-full
VACUUM (FULL, ANALYZE) users; -- want: vacuum-full
