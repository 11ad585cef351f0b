CREATE TABLE scratch (a int);
DROP TABLE scratch;
DROP VIEW IF EXISTS old_view;
