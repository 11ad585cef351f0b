package users

import "database/sql"

// Find loads a user.
func Find(db *sql.DB, id int64) (email, nickname string, err error) {
	err = db.QueryRow("SELECT email, nickname FROM users WHERE id = $1", id).Scan(&email, &nickname)
	return email, nickname, err
}
