CREATE TABLE orders (id bigserial PRIMARY KEY, total numeric, discount numeric, note text, state text DEFAULT 'new', tenant_id bigint);
