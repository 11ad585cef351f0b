CREATE TABLE users (email varchar(255), code char(2)); -- want: prefer-text-field, prefer-text-field
ALTER TABLE users ADD COLUMN name character varying(100); -- want: prefer-text-field
