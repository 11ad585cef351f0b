CREATE TABLE events (id bigserial PRIMARY KEY); -- want: prefer-identity
