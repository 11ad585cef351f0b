-- Code the replay cannot read may change any table it knew: after a DO
-- block (or CALL) only tables made later are judged.
CREATE TABLE t (id int);
DO $$ BEGIN EXECUTE 'ALTER TABLE t ADD COLUMN a int'; END $$;
ALTER TABLE t DROP COLUMN a;
CALL add_columns('t');
ALTER TABLE t DROP COLUMN b;
CREATE TABLE later (id int);
ALTER TABLE later DROP COLUMN a; -- want: fails-against-schema "column \"a\" of relation \"later\" does not exist; this migration \(line 8\) created the table without it"
