package migrations

import "database/sql"

func migrate210(tx *sql.Tx) error {
	_, err := tx.Exec("ALTER TABLE users ADD COLUMN handle text")
	return err
}
