SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);

--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--
-- (the enum type mood is gone, legacy_events is dropped,
--  nickname is renamed to handle, karma becomes bigint)
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    email character varying NOT NULL,
    handle character varying,
    karma bigint,
    created_at timestamp(6) without time zone NOT NULL
);

CREATE SEQUENCE public.users_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;

CREATE TABLE public.audit_log (
    id bigint NOT NULL
);

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
