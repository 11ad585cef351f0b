package migrations

import "database/sql"

// steps are the migrations by version; Run applies those the database lacks.
var steps = map[string]func(*sql.Tx) error{"2.0.0": migrate200}

// Run applies one version.
func Run(db *sql.DB, version string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if err := steps[version](tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
