CREATE TABLE users (email varchar(255), code char(2)); -- want: prefer-text-field "column email is character varying\(255\); prefer text", prefer-text-field "column code is character\(2\); prefer text"
ALTER TABLE users ADD COLUMN name character varying(100); -- want: prefer-text-field "column name is character varying\(100\)"
