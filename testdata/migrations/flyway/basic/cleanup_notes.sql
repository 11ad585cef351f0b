-- Not a migration: run by hand.
DELETE FROM customers WHERE name = 'test';
