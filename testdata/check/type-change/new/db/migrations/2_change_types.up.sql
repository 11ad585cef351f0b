ALTER TABLE products ALTER COLUMN stock TYPE text;
