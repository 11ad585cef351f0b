CREATE OR REPLACE FUNCTION customer_label(c customers) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT c.name || ' <' || c.email || '>' $$;
