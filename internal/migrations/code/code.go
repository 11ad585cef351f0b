// Package code reads migrations written in code rather than SQL: Go
// (goose Go migrations, migration lists, versioned files; package
// golang) and TypeScript/JavaScript (TypeORM, node-pg-migrate, Knex,
// Sequelize; package js). Each is a migration.Framework: the SQL its up
// code executes (string literals at the calls that run them) and the SQL
// its library's builder calls send become operations at the call in the
// .go, .ts or .js file (package emit), so every rule, report and editor
// feature works on them as on SQL.
package code

import (
	"path"

	"github.com/schemagate/schemagate/internal/migrations/code/golang"
	"github.com/schemagate/schemagate/internal/migrations/code/js"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// All returns the frameworks of migrations in code, in the order their
// detection is tried.
func All() []migration.Framework {
	return []migration.Framework{
		golang.GooseGo(), golang.Versioned(), golang.List(),
		js.TypeORM(), js.Sequelize(), js.NodePgMigrate(), js.Knex(),
	}
}

// ForFile guesses the framework of one migration file on its own (an
// editor buffer, a file given on the command line) from its name and
// text, or nil.
func ForFile(p string, text []byte) migration.Framework {
	switch path.Ext(p) {
	case ".go":
		if fw := golang.ForFile(p, text); fw != nil {
			return fw
		}
	case ".ts", ".js", ".mjs", ".cjs", ".mts", ".cts":
		if fw := js.ForFile(p, text); fw != nil {
			return fw
		}
	}
	return nil
}
