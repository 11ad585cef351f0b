package migrations

import (
	"context"

	"github.com/pressly/goose/v3"
	"github.com/uptrace/bun"
)

func init() {
	goose.AddMigrationNoTxContext(func(ctx context.Context, db *sql.DB) error {
		bdb := bun.NewDB(db, pgdialect.New())
		if _, err := bdb.NewRaw("ALTER TABLE a ADD COLUMN z int").Exec(ctx); err != nil {
			return err
		}
		_, err := bdb.NewAddColumn().Model((*A)(nil)).ColumnExpr("y text").Exec(ctx)
		return err
	}, nil)
}
