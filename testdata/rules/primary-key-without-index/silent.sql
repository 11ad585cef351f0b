ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;
CREATE TABLE things (id bigint);
ALTER TABLE things ADD PRIMARY KEY (id);
