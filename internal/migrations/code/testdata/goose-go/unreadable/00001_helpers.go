package migrations

import (
	"context"
	"database/sql"
	"fmt"

	"example.com/app/dbutil"
	"github.com/pressly/goose/v3"
	"gorm.io/gorm"
)

func init() {
	goose.AddMigrationContext(up1, down1)
}

var createStatements = []string{
	"CREATE TABLE a (id int)",
	"CREATE TABLE b (id int)",
}

const dropTemplate = "ALTER TABLE %s DROP COLUMN %s"

func up1(ctx context.Context, tx *sql.Tx) error {
	for _, s := range createStatements {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO a (id) VALUES ($1)")
	if err != nil {
		return err
	}
	for i := 0; i < 3; i++ {
		if _, err := stmt.ExecContext(ctx, i); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(dropTemplate, "a", "legacy")); err != nil {
		return err
	}
	switch mode() {
	case "fast":
		_, err = tx.ExecContext(ctx, "ALTER TABLE b ADD COLUMN fast boolean")
	default:
		_, err = tx.ExecContext(ctx, "ALTER TABLE b ADD COLUMN slow boolean")
	}
	return dbutil.DropLegacyColumns(ctx, tx, "b")
}

func down1(ctx context.Context, tx *sql.Tx) error { return nil }

func mode() string { return "fast" }
