-- name: CreateUser :exec
INSERT INTO users (id, email) VALUES ($1, normalize_email($2));

-- name: UserOrders :many
SELECT o.id FROM orders o WHERE o.user_id = $1;
