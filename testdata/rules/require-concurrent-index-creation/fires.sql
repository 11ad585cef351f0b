CREATE INDEX index_users_on_email ON users (email); -- want: require-concurrent-index-creation "CREATE INDEX on users without CONCURRENTLY blocks writes"
CREATE UNIQUE INDEX index_users_on_token -- want: require-concurrent-index-creation "CREATE INDEX on users without CONCURRENTLY blocks writes"
  ON users (token); -- the finding is on the statement's first line
