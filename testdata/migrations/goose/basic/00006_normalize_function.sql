-- +goose Up
CREATE FUNCTION normalize_email(e text) RETURNS text AS $$
BEGIN
    RETURN lower(trim(e));
END;
$$ LANGUAGE plpgsql IMMUTABLE;
UPDATE users SET email = normalize_email(email);

-- +goose Down
DROP FUNCTION normalize_email(text);
