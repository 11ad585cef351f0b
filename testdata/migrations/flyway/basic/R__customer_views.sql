CREATE OR REPLACE VIEW active_customers AS
    SELECT id, name, email FROM customers WHERE email IS NOT NULL;
