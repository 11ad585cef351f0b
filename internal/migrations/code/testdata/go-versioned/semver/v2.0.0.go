package migrations

import "database/sql"

func migrate200(tx *sql.Tx) error {
	_, err := tx.Exec(`CREATE TABLE invoices (id int, total numeric)`)
	return err
}
