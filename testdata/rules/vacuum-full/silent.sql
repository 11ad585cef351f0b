VACUUM events;
VACUUM (ANALYZE) users;
ANALYZE users;
