package migrations

import "database/sql"

func migrate200(tx *sql.Tx) error {
	_, err := tx.Exec(`CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, nickname text)`)
	return err
}
