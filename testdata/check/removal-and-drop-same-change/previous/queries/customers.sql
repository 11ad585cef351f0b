-- name: Nick :one
SELECT nickname FROM customers WHERE id = $1;
