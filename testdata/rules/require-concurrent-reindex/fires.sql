REINDEX INDEX index_users_on_email; -- want: require-concurrent-reindex
REINDEX TABLE users; -- want: require-concurrent-reindex
