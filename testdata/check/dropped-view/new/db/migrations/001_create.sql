-- +goose Up
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL, placed_at timestamptz NOT NULL);
CREATE VIEW daily_revenue AS SELECT date_trunc('day', placed_at) AS day, sum(total) AS revenue FROM orders GROUP BY 1;
