-- A data-only migration, and seeding a table created here, are fine.
CREATE TABLE countries (code text PRIMARY KEY);
INSERT INTO countries VALUES ('fr'), ('de');
UPDATE countries SET code = upper(code);
