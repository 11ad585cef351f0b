ALTER TABLE orders ALTER COLUMN id TYPE bigint;
ALTER TABLE orders ALTER COLUMN code TYPE varchar(255);
ALTER TABLE orders ALTER COLUMN quantity TYPE integer;
ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2) USING total::numeric(14,2);
ALTER TABLE orders ALTER COLUMN status TYPE varchar(20);
ALTER TABLE orders ALTER COLUMN placed_at TYPE timestamp(6);
