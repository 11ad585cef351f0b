package store

import (
	"context"
	"database/sql"
)

const planQuery = "SELECT a.id, a.tier " +
	"FROM accounts a WHERE a.name = $1"

func Plan(ctx context.Context, db *sql.DB, name string) (string, error) {
	var id int64
	var plan string
	err := db.QueryRowContext(ctx, planQuery, name).Scan(&id, &plan)
	return plan, err
}
