package main

import (
	"github.com/go-pg/migrations/v8"
)

func init() {
	migrations.MustRegister(func(db migrations.DB) error {
		if _, err := db.Exec("CREATE INDEX CONCURRENTLY my_table_id ON my_table (id)"); err != nil {
			return err
		}
		_, err := db.Exec("ALTER TABLE my_table DROP COLUMN legacy")
		return err
	}, nil)
}
