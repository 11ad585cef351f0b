package schema

import "github.com/jackc/pgx/v5"

// Keys are versions; the runner applies them in key order.
var Migrations = map[int]func(ctx context.Context, tx pgx.Tx) error{
	2: func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "ALTER TABLE accounts RENAME COLUMN login TO username")
		return err
	},
	1: func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE accounts (id int, login text)`)
		if err != nil {
			return err
		}
		return helpers.Backfill(ctx, tx)
	},
	10: func(ctx context.Context, tx pgx.Tx) error {
		return tx.QueryRow(ctx, "SELECT count(*) FROM accounts").Scan(new(int))
	},
}
