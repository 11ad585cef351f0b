CREATE TABLE events (id bigserial PRIMARY KEY); -- want: prefer-identity "column id is bigserial; prefer an identity column"
