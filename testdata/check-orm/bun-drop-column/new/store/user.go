package store

import (
	"time"

	"github.com/uptrace/bun"
)

type User struct {
	bun.BaseModel `bun:"table:users"`

	ID        int64 `bun:",pk,autoincrement"`
	Nickname  string
	CreatedAt time.Time
}
