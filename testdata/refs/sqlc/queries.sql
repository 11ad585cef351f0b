-- Queries for the accounts service (sqlc).

-- name: GetUser :one
SELECT id, email, display_name
FROM users
WHERE id = $1 LIMIT 1;

-- name: ListTeamMembers :many
SELECT sqlc.embed(u), m.role
FROM team_members m
JOIN users u ON u.id = m.user_id
WHERE m.team_id = @team_id
ORDER BY u.display_name;

-- name: CreateUser :one
INSERT INTO users (email, display_name)
VALUES (sqlc.arg(email), sqlc.narg(display_name))
RETURNING *;

-- name: BrokenQuery :exec
UPDATE users SET WHERE id = $1;

-- name: DeleteStaleSessions :execrows
DELETE FROM sessions s
USING users u
WHERE s.user_id = u.id AND u.deactivated_at < now() - interval '30 days';
