-- name: Revenue :many
SELECT day, revenue FROM daily_revenue ORDER BY day DESC LIMIT 30;
