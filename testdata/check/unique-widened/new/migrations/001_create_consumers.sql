CREATE TABLE consumers (
    id bigserial PRIMARY KEY,
    secret_id bigint NOT NULL,
    service text,
    resource_id text NOT NULL,
    project_id bigint,
    CONSTRAINT consumers_resource_uc UNIQUE (secret_id, resource_id)
);
CREATE TABLE projects (id bigint PRIMARY KEY);
