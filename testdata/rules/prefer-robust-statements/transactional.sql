-- format: goose
-- transactional: true
CREATE TABLE a (id bigint);
CREATE TABLE b (id bigint);
