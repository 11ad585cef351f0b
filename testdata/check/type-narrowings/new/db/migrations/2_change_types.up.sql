ALTER TABLE orders ALTER COLUMN id TYPE smallint;
ALTER TABLE orders ALTER COLUMN code TYPE varchar(50);
ALTER TABLE orders ALTER COLUMN quantity TYPE numeric;
ALTER TABLE orders ALTER COLUMN total TYPE numeric(10,1);
ALTER TABLE orders ALTER COLUMN status TYPE varchar(4);
ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamptz;
ALTER TABLE orders ALTER COLUMN code TYPE text USING upper(code);
