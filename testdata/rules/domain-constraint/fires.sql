CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%'); -- want: domain-constraint "domain email has a CHECK constraint.*locks and scans every table"
ALTER DOMAIN email ADD CONSTRAINT email_short CHECK (length(VALUE) < 300); -- want: domain-constraint "ALTER DOMAIN email ADD CONSTRAINT checks every column of that domain"
