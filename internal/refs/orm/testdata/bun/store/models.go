package store

import (
	"time"

	"github.com/uptrace/bun"
)

type Timestamps struct {
	CreatedAt time.Time `bun:",nullzero,notnull,default:current_timestamp"`
	UpdatedAt time.Time
}

type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID       int64  `bun:",pk,autoincrement"`
	Nickname string `bun:"nick,notnull"`
	UserID   string
	Legacy   string   `bun:"-"`
	Score    int      `bun:",scanonly"`
	Profile  *Profile `bun:"rel:has-one,join:id=user_id"`
	Timestamps
	Home Address `bun:"embed:home_"`
	note string
}

type Address struct {
	Street string
	City   string
}

type Profile struct {
	bun.BaseModel

	ID           int64
	UserID       int64
	HTTPEndpoint string
}

// UserRequest is a request body, not a model.
type UserRequest struct {
	Nickname string `json:"nick"`
}
