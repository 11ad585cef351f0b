package migrations

import (
	"database/sql"

	"github.com/pressly/goose/v3"
)

func init() {
	goose.AddMigration(func(tx *sql.Tx) error {
		db := open(tx)
		return db.Migrator().DropColumn(&User{}, "legacy")
	}, nil)
}

func open(tx *sql.Tx) *gorm.DB { return nil }
