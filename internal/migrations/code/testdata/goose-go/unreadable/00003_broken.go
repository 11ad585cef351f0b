package migrations

import (
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigration(up3, nil)
}

func up3(tx *sql.Tx) error {
	_, err := tx.Exec("ALTER TABLE a ADD COLUMN c int")
	return err
}

func oops( {
