package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationNoTxContext(upAddBio, nil)
}

func upAddBio(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, "ALTER TABLE users ADD COLUMN bio text"); err != nil {
		return err
	}
	_, err := db.ExecContext(ctx, "CREATE INDEX CONCURRENTLY users_bio ON users (bio)")
	return err
}
