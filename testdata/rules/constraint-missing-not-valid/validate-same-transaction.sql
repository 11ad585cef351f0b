BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fk; -- want: constraint-missing-not-valid "VALIDATE CONSTRAINT orders_user_id_fk runs in the same transaction as its ADD CONSTRAINT"
COMMIT;
