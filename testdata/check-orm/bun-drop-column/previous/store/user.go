package store

import (
	"time"

	"github.com/uptrace/bun"
)

type User struct {
	bun.BaseModel `bun:"table:users"`

	ID        int64 `bun:",pk,autoincrement"`
	Nickname  string
	Legacy    string
	CreatedAt time.Time
}
