-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION audit_users() RETURNS trigger AS $$
BEGIN
    INSERT INTO users_audit (user_id, changed_at) VALUES (NEW.id, now());
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- +goose Down
DROP FUNCTION audit_users();
