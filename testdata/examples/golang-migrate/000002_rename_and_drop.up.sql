-- Both break the release that is still running: check --previous REV
-- tells whether it uses these columns.
ALTER TABLE users RENAME COLUMN name TO full_name;
ALTER TABLE users DROP COLUMN legacy_score;
