SET statement_timeout = 0;
SET client_encoding = 'UTF8';
\restrict dGhpcyBpcyBhIGtleQ
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: mood; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.mood AS ENUM (
    'sad',
    'ok'
);

CREATE TABLE public.users (
    id bigint NOT NULL,
    email character varying,
    nickname character varying,
    karma integer,
    created_at timestamp(6) without time zone NOT NULL
);

CREATE SEQUENCE public.users_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

CREATE TABLE public.legacy_events (
    id bigint NOT NULL
);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

\unrestrict dGhpcyBpcyBhIGtleQ
