package model

import (
	"database/sql"
	"time"

	"github.com/google/uuid"
	"gorm.io/datatypes"
	"gorm.io/gorm"
)

const ordersTable = "shop_orders"

// User has the usual gorm.Model columns.
type User struct {
	gorm.Model
	Email        string `gorm:"uniqueIndex;not null"`
	FullName     string `gorm:"column:name"`
	PasswordHash []byte
	APIKey       string
	UserID       string `gorm:"-"`
	Profile      Profile
	Orders       []Order
	Languages    []Language `gorm:"many2many:user_languages;"`
	CompanyID    *uint
	Company      *Company
	Settings     datatypes.JSON
	Tags         []string `gorm:"type:text[]"`
	Score        sql.NullInt64
	Cache        map[string]string
	unexported   int
	ReadOnly     string `gorm:"->"`
	Migrated     string `gorm:"-:migration"`
	Ignored      string `gorm:"-:all"`
}

type Profile struct {
	ID     uint
	UserID uint
	Bio    string
	Avatar Image `gorm:"embedded;embeddedPrefix:avatar_"`
}

// Image is embedded, not a table of its own.
type Image struct {
	URL    string
	Width  int
	Height int
}

type Order struct {
	ID     uuid.UUID `gorm:"type:uuid;primaryKey"`
	UserID uint
	Total  int64
	Status OrderStatus
	Meta   Metadata
	Audit
	CreatedAt time.Time
}

func (Order) TableName() string { return ordersTable }

type OrderStatus string

// Metadata is stored as JSON through its Scanner.
type Metadata struct{ Note string }

func (m *Metadata) Scan(v any) error { return nil }

type Audit struct {
	CreatedBy string
	UpdatedBy string
}

type Company struct {
	ID   uint
	Name string
}

func (c *Company) TableName() string {
	return "org.companies"
}

type Language struct {
	gorm.Model
	Code string `gorm:"size:8"`
}

type Tenant struct {
	ID   uint
	Slug string
}

func (t Tenant) TableName() string {
	return tablePrefix() + "tenants"
}

func tablePrefix() string { return "t_" }

// OrderFilter is a request struct, not a model.
type OrderFilter struct {
	Status string `json:"status" form:"status"`
	Limit  int    `json:"limit"`
}
