package users

import "database/sql"

// Find loads a user.
func Find(db *sql.DB, id int64) (email, handle string, err error) {
	err = db.QueryRow("SELECT email, handle FROM users WHERE id = $1", id).Scan(&email, &handle)
	return email, handle, err
}
