REINDEX INDEX index_users_on_email; -- want: require-concurrent-reindex "REINDEX without CONCURRENTLY blocks reads and writes"
REINDEX TABLE users; -- want: require-concurrent-reindex "REINDEX without CONCURRENTLY blocks reads and writes"
