-- +goose Up
-- Items sold in the shop.
create table items (
    id    bigint primary key,
    name  text,
    price numeric(12, 2) default 1 -- in euros
);

/* looked up by name */
create index items_name on items(name);
