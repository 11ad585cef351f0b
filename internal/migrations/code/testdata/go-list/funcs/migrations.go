package store

import (
	"database/sql"
	"fmt"
)

const usersTable = "users"

// migrations run in order; the version is the position.
var migrations = []func(tx *sql.Tx) error{
	func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE TABLE users (
			id bigserial PRIMARY KEY,
			email text NOT NULL,
			legacy_name text
		)`)
		return err
	},
	func(tx *sql.Tx) error {
		if _, err := tx.Exec("ALTER TABLE " + usersTable + " ADD COLUMN nickname text"); err != nil {
			return err
		}
		_, err := tx.Exec(fmt.Sprintf("CREATE INDEX users_nickname ON %s (nickname)", usersTable))
		return err
	},
	addAge,
	func(tx *sql.Tx) error {
		stmts := []string{
			"ALTER TABLE users DROP COLUMN legacy_name",
			"ALTER TABLE users RENAME COLUMN nickname TO handle",
		}
		for _, s := range stmts {
			if _, err := tx.Exec(s); err != nil {
				return err
			}
		}
		return nil
	},
	func(tx *sql.Tx) error {
		col := pick()
		_, err := tx.Exec("ALTER TABLE users DROP COLUMN " + col)
		return err
	},
	func(tx *sql.Tx) error {
		_, err := tx.Exec("ALTER TABLE users ADD COLUMN bad bad bad")
		return err
	},
}

func addAge(tx *sql.Tx) error {
	q := "ALTER TABLE users"
	q += " ADD COLUMN age integer"
	_, err := tx.Exec(q)
	return err
}

func pick() string { return "x" }

// Migrate runs the migrations: not a list element, not a migration.
func Migrate(db *sql.DB) error {
	for _, m := range migrations {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if err := m(tx); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
