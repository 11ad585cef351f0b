package store

import (
	"database/sql"
	"fmt"
	"strings"
)

const userColumns = "id, email, created_at"

const selectUsers = "SELECT " + userColumns + " FROM users"

const byOrgTemplate = "SELECT %s FROM %s WHERE org_id = %d AND note LIKE '100%%'"

func ByID(db *sql.DB, id int64) (*sql.Rows, error) {
	return db.Query(selectUsers+" WHERE id = $1", id)
}

func ByOrg(db *sql.DB, org int) string {
	return fmt.Sprintf(byOrgTemplate, userColumns, "users", org)
}

func Rename(db *sql.DB, table string, id int64) error {
	_, err := db.Exec(fmt.Sprintf("UPDATE %s SET name = $1\tWHERE id = %[2]d", table, id), "x")
	return err
}

func Purge(db *sql.DB, ids []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "DELETE FROM sessions WHERE user_id IN (%s)", strings.Join(ids, ","))
	_, err := db.Exec(b.String())
	_, err = db.Exec("INSERT INTO audit (note) VALUES ('caf\u00e9 \x41')" + ";")
	return err
}

func Message() error {
	return fmt.Errorf("please select a user from the list: %w", sql.ErrNoRows)
}
