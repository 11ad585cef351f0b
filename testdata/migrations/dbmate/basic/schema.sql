-- dbmate dump of the current schema.
CREATE TABLE public.posts (id bigint NOT NULL, title text NOT NULL, body text, slug text);
