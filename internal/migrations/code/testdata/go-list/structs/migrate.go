package db

import (
	"context"
	"database/sql"

	"github.com/lopezator/migrator"
	migrate "github.com/rubenv/sql-migrate"
)

// lopezator/migrator: the version is the position.
func newMigrator() (*migrator.Migrator, error) {
	return migrator.New(
		migrator.Migrations(
			&migrator.Migration{
				Name: "Create table orders",
				Func: func(tx *sql.Tx) error {
					if _, err := tx.Exec("CREATE TABLE orders (id int PRIMARY KEY, total numeric, note text)"); err != nil {
						return err
					}
					return nil
				},
			},
			&migrator.MigrationNoTx{
				Name: "Index orders.total",
				Func: func(db *sql.DB) error {
					_, err := db.ExecContext(context.Background(), "CREATE INDEX CONCURRENTLY orders_total ON orders (total)")
					return err
				},
			},
			&migrator.Migration{
				Name: "Drop the note",
				Func: dropNote,
			},
		),
	)
}

func dropNote(tx *sql.Tx) error {
	_, err := tx.Exec(`ALTER TABLE orders DROP COLUMN note`)
	return err
}

// rubenv/sql-migrate's memory source: versions are the ids.
var source = &migrate.MemoryMigrationSource{
	Migrations: []*migrate.Migration{
		{
			Id:   "100",
			Up:   []string{"CREATE TABLE people (id int)", "ALTER TABLE people ADD COLUMN name text"},
			Down: []string{"DROP TABLE people"},
		},
		{
			Id:                   "101",
			Up:                   []string{"CREATE INDEX CONCURRENTLY people_name ON people (name)"},
			DisableTransactionUp: true,
		},
	},
}
