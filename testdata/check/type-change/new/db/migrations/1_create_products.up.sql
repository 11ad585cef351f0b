CREATE TABLE products (id bigint PRIMARY KEY, sku varchar(50) NOT NULL, stock integer NOT NULL DEFAULT 0);
