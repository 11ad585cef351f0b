CREATE TABLE notes (body varchar(100), score integer);
-- A table created in the same migration is never flagged.
ALTER TABLE notes ALTER COLUMN score TYPE bigint;
