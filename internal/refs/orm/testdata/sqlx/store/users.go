package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// UserRow is scanned by sqlx.
type UserRow struct {
	ID        int64     `db:"id" json:"id"`
	Email     string    `db:"email_address" json:"email"`
	CreatedAt time.Time `db:"created_at"`
	Internal  string    `db:"-"`
	Note      string    `json:"note"`
	Address   Address   `db:"address"`
}

// Address is a nested struct: sqlx maps its fields as address.street.
type Address struct {
	Street string `db:"street"`
	City   string `db:"city,omitempty"`
}

type Store struct{ db *sqlx.DB }

func (s *Store) User(ctx context.Context, id int64) (UserRow, error) {
	var u UserRow
	// `db:"fake"` in a comment is not a tag.
	err := s.db.GetContext(ctx, &u, "SELECT id, email_address, created_at FROM users WHERE id = $1", id)
	return u, err
}
