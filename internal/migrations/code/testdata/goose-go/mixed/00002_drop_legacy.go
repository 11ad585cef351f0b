package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationContext(upDropLegacy, downDropLegacy)
}

func upDropLegacy(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "UPDATE users SET email = lower(email)"); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "ALTER TABLE users DROP COLUMN legacy")
	return err
}

func downDropLegacy(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "ALTER TABLE users ADD COLUMN legacy text")
	return err
}
