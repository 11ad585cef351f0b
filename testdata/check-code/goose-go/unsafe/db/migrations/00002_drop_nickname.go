package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationContext(upDropNickname, downDropNickname)
}

func upDropNickname(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "ALTER TABLE users DROP COLUMN nickname")
	return err
}

func downDropNickname(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "ALTER TABLE users ADD COLUMN nickname text")
	return err
}
