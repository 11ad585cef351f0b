-- name: CreateUser :exec
INSERT INTO users (id, email) VALUES ($1, lower($2));

-- name: UserOrders :many
SELECT p.id FROM purchases p WHERE p.user_id = $1;
