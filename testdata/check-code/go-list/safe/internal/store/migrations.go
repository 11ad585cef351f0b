package store

import "database/sql"

// migrations run in order; a migration's version is its position.
var migrations = []func(tx *sql.Tx) error{
	func(tx *sql.Tx) error {
		_, err := tx.Exec(`CREATE TABLE users (
			id bigserial PRIMARY KEY,
			email text NOT NULL,
			nickname text
		)`)
		return err
	},
	func(tx *sql.Tx) error {
		_, err := tx.Exec("ALTER TABLE users ADD COLUMN bio text")
		return err
	},
}

// Migrate applies the migrations the database lacks.
func Migrate(db *sql.DB, applied int) error {
	for _, m := range migrations[applied:] {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		if err := m(tx); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
