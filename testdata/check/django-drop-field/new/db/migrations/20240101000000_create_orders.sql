-- migrate:up
CREATE TABLE shop_order (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL, coupon_code varchar(32));
-- migrate:down
DROP TABLE shop_order;
