VACUUM FULL events; -- want: vacuum-full "VACUUM FULL rewrites events under an ACCESS EXCLUSIVE lock"
VACUUM (FULL, ANALYZE) users; -- want: vacuum-full "VACUUM FULL rewrites users"
