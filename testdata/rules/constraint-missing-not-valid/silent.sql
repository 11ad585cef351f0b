ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fk;
CREATE TABLE refunds (id bigint, order_id bigint);
ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);
ALTER TABLE refunds ADD COLUMN coupon_id bigint REFERENCES coupons (id);
