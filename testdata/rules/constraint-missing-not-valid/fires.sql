ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id); -- want: constraint-missing-not-valid "FOREIGN KEY orders_user_id_fk to orders scans every row under a SHARE ROW EXCLUSIVE lock on both tables"
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0); -- want: constraint-missing-not-valid "CHECK constraint orders_total_positive to orders scans every row under an ACCESS EXCLUSIVE lock"
-- A column's REFERENCES is a foreign key validated at once (squawk's
-- adding-foreign-key-constraint); it cannot be NOT VALID.
ALTER TABLE orders ADD COLUMN coupon_id bigint REFERENCES coupons (id); -- want: constraint-missing-not-valid "adding column coupon_id with REFERENCES coupons validates every row of orders under a SHARE ROW EXCLUSIVE lock on coupons"
ALTER TABLE orders ADD COLUMN gift_id bigint CONSTRAINT orders_gift_fk REFERENCES gifts; -- want: constraint-missing-not-valid "adding column gift_id with REFERENCES gifts validates every row of orders"
