-- name: GetUser :one
SELECT id, email FROM users WHERE id = $1;

-- name: ListEmails :many
SELECT u.email FROM users u ORDER BY u.id;
