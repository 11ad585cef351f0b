package main

import (
	"github.com/go-pg/migrations/v8"
)

func init() {
	migrations.MustRegisterTx(func(db migrations.DB) error {
		_, err := db.Exec(`CREATE TABLE my_table (id serial, legacy text)`)
		return err
	}, func(db migrations.DB) error {
		_, err := db.Exec(`DROP TABLE my_table`)
		return err
	})
}
