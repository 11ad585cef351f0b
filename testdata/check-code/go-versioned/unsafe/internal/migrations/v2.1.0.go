package migrations

import "database/sql"

func migrate210(tx *sql.Tx) error {
	if _, err := tx.Exec("ALTER TABLE users RENAME COLUMN nickname TO handle"); err != nil {
		return err
	}
	return nil
}

func rollback210(tx *sql.Tx) error {
	_, err := tx.Exec("ALTER TABLE users RENAME COLUMN handle TO nickname")
	return err
}
