ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
ALTER TABLE orders ADD CONSTRAINT orders_discount_positive CHECK (discount >= 0);
ALTER TABLE orders ADD CONSTRAINT orders_state_known CHECK (state IN ('new', 'paid'));
ALTER TABLE orders ADD CONSTRAINT orders_note_short CHECK (length(note) < 200);
ALTER TABLE orders ADD CONSTRAINT orders_total_present CHECK (total IS NOT NULL);
ALTER TABLE orders ADD CONSTRAINT orders_tenant_present CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_tenant_present;
ALTER TABLE orders ALTER COLUMN tenant_id SET NOT NULL;
