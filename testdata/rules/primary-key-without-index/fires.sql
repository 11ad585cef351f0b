ALTER TABLE items ADD PRIMARY KEY (id); -- want: primary-key-without-index "PRIMARY KEY on items \(id\) builds its index under an ACCESS EXCLUSIVE lock"
ALTER TABLE legacy ADD COLUMN id bigserial PRIMARY KEY; -- want: primary-key-without-index "PRIMARY KEY on legacy \(id\) builds its index"
