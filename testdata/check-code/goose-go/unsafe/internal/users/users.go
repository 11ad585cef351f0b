package users

import "database/sql"

// Find loads a user.
func Find(db *sql.DB, id int64) (email string, err error) {
	err = db.QueryRow("SELECT email FROM users WHERE id = $1", id).Scan(&email)
	return email, err
}
