-- The unique constraint gains a column: any two rows it rejects, the
-- old one rejected too, so the running release's writes still pass.
ALTER TABLE consumers DROP CONSTRAINT consumers_resource_uc;
ALTER TABLE consumers ADD CONSTRAINT consumers_resource_uc UNIQUE (secret_id, service, resource_id);
-- Narrowed to fewer columns: rows the running release writes today may
-- now collide.
ALTER TABLE consumers ADD CONSTRAINT consumers_secret_uc UNIQUE (secret_id);
-- A foreign key the table did not have.
ALTER TABLE consumers ADD CONSTRAINT consumers_project_fk FOREIGN KEY (project_id) REFERENCES projects (id) NOT VALID;
