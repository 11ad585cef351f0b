-- A table the migrations never created is not judged: another tool, an
-- extension or a migration before a squash may have made it.
ALTER TABLE legacy DROP COLUMN a;
ALTER TABLE legacy DROP COLUMN a;
CREATE INDEX legacy_b ON legacy (b);
-- IF EXISTS and IF NOT EXISTS are made to run twice.
CREATE TABLE t (id int);
CREATE TABLE IF NOT EXISTS t (id int);
ALTER TABLE t DROP COLUMN IF EXISTS gone;
ALTER TABLE t ADD COLUMN IF NOT EXISTS id int;
DROP INDEX IF EXISTS nothing;
DROP TABLE IF EXISTS nothing;
DROP TABLE IF EXISTS nothing;
-- Tables that take columns from another are not known whole.
CREATE TABLE c (LIKE t INCLUDING ALL);
ALTER TABLE c DROP COLUMN id;
CREATE TABLE k () INHERITS (t);
ALTER TABLE k ALTER COLUMN id SET NOT NULL;
CREATE TABLE s AS SELECT * FROM t;
ALTER TABLE s DROP COLUMN id;
SELECT * INTO s2 FROM t;
ALTER TABLE s2 DROP COLUMN id;
-- What an earlier statement removed may be made again.
ALTER TABLE t ADD COLUMN a int;
ALTER TABLE t DROP COLUMN a;
ALTER TABLE t ADD COLUMN a int;
ALTER TABLE t RENAME COLUMN a TO b;
ALTER TABLE t DROP COLUMN b;
CREATE INDEX t_id ON t (id);
DROP INDEX t_id;
CREATE INDEX t_id ON t (id);
CREATE INDEX t_lower_id ON t (lower(id::text));
DROP TABLE t;
CREATE TABLE t (id int, a int);
ALTER TABLE t DROP COLUMN a;
-- Quoted names are other columns than unquoted ones.
ALTER TABLE t ADD COLUMN "ID" int;
