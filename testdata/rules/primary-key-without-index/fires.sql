ALTER TABLE items ADD PRIMARY KEY (id); -- want: primary-key-without-index
ALTER TABLE legacy ADD COLUMN id bigserial PRIMARY KEY; -- want: primary-key-without-index
