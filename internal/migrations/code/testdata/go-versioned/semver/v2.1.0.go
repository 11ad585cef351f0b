package migrations

import "database/sql"

func migrate210(db *sql.DB) error {
	if _, err := db.Exec("ALTER TABLE invoices ADD COLUMN due date"); err != nil {
		return err
	}
	return renameTotal(db)
}

func renameTotal(db *sql.DB) error {
	_, err := db.Exec("ALTER TABLE invoices RENAME COLUMN total TO amount")
	return err
}

func rollback210(db *sql.DB) error {
	_, err := db.Exec("ALTER TABLE invoices DROP COLUMN due")
	return err
}
