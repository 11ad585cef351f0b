package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationContext(upArchive, nil)
}

// The helper runs its SQL wherever its result is used: here it is sliced.
func upArchive(ctx context.Context, tx *sql.Tx) error {
	moved := archive(ctx, tx)[:1]
	_ = moved
	return nil
}

func archive(ctx context.Context, tx *sql.Tx) []string {
	if _, err := tx.ExecContext(ctx, "ALTER TABLE orders RENAME TO orders_archive"); err != nil {
		return nil
	}
	return []string{"orders_archive"}
}
