package db

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

func Migrate(db *gorm.DB) error {
	m := gormigrate.New(db, gormigrate.DefaultOptions, []*gormigrate.Migration{
		{
			ID: "202401010000",
			Migrate: func(tx *gorm.DB) error {
				return tx.Exec("CREATE TABLE people (id bigserial PRIMARY KEY, name text)").Error
			},
			Rollback: func(tx *gorm.DB) error {
				return tx.Exec("DROP TABLE people").Error
			},
		},
		{
			ID: "202402010000",
			Migrate: func(tx *gorm.DB) error {
				if err := tx.Exec("ALTER TABLE people RENAME COLUMN name TO full_name").Error; err != nil {
					return err
				}
				return tx.Migrator().DropColumn(&Person{}, "age")
			},
		},
	})
	return m.Migrate()
}
