CREATE DOMAIN positive_int AS integer;
ALTER DOMAIN email ADD CONSTRAINT email_short CHECK (length(VALUE) < 300) NOT VALID;
ALTER DOMAIN email VALIDATE CONSTRAINT email_short;
