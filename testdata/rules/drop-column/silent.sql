CREATE TABLE scratch (a int, b int);
ALTER TABLE scratch DROP COLUMN b;
