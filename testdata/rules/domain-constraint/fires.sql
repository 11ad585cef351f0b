CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%'); -- want: domain-constraint
ALTER DOMAIN email ADD CONSTRAINT email_short CHECK (length(VALUE) < 300); -- want: domain-constraint
