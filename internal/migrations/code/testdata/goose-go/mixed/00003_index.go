package migrations

import (
	"context"
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigrationNoTxContext(func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, "CREATE INDEX CONCURRENTLY users_email ON users (email)")
		return err
	}, nil)
}
