CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped');
CREATE TABLE orders (
    id integer PRIMARY KEY,
    code varchar(100) NOT NULL,
    quantity smallint NOT NULL,
    total numeric(10,2) NOT NULL,
    status order_status NOT NULL,
    placed_at timestamp NOT NULL
);
