-- migrate:up
ALTER TABLE shop_order DROP COLUMN coupon_code;
-- migrate:down
ALTER TABLE shop_order ADD COLUMN coupon_code varchar(32);
