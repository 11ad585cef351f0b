CREATE TABLE staging_items (id bigint);
ALTER TABLE staging_items RENAME TO items;
ALTER INDEX old_idx RENAME TO new_idx;
