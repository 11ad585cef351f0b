package migrations

import (
	"database/sql"
	"fmt"
)

func migrate2100(db *sql.DB, dialect string) error {
	if dialect == "sqlite" {
		_, err := db.Exec("ALTER TABLE invoices ADD COLUMN paid boolean DEFAULT 0 CHECK paid IN (0, 1)")
		return err
	}
	_, err := db.Exec(fmt.Sprintf("ALTER TABLE invoices ADD COLUMN %s boolean", dialect))
	return err
}
