ALTER TABLE legacy_codes ALTER COLUMN code TYPE varchar(20);
