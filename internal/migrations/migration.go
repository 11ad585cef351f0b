// Package migrations finds migration files, recognises their format,
// orders them and tells which part of each runs, and whether inside a
// transaction.
package migrations

import (
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Format is a migration tool's file layout.
type Format string

// Formats.
const (
	FormatAuto          Format = ""
	FormatSQL           Format = "sql"            // plain .sql files run in name order (psql -f)
	FormatGolangMigrate Format = "golang-migrate" // N_name.up.sql / N_name.down.sql
	FormatGoose         Format = "goose"          // -- +goose Up / Down
	FormatDbmate        Format = "dbmate"         // -- migrate:up / down
	FormatFlyway        Format = "flyway"         // V1__name.sql, R__name.sql
	FormatPrisma        Format = "prisma"         // <timestamp>_<name>/migration.sql
	FormatSqitch        Format = "sqitch"         // sqitch.plan + deploy/*.sql

	// Framework formats: migrations written as Ruby or Python calls,
	// translated into operations by internal/migrations/{rails,django,alembic}.
	FormatRails   Format = "rails"   // db/migrate/<version>_<name>.rb
	FormatDjango  Format = "django"  // <app>/migrations/NNNN_<name>.py
	FormatAlembic Format = "alembic" // <script_location>/versions/*.py

	// Migrations written in Go, TypeScript or JavaScript: the SQL their
	// calls execute, translated by internal/migrations/code.
	FormatGooseGo       Format = "goose-go"        // goose Go migrations: 00002_name.go with goose.AddMigration
	FormatGoList        Format = "go-list"         // a Go slice or map of migration functions or structs
	FormatGoVersioned   Format = "go-versioned"    // one Go file per migration, versioned by its name (v2.1.0.go)
	FormatTypeORM       Format = "typeorm"         // <timestamp>-Name.ts, a MigrationInterface class
	FormatNodePgMigrate Format = "node-pg-migrate" // exports.up = (pgm) => ...
	FormatKnex          Format = "knex"            // exports.up = function (knex) ...
	FormatSequelize     Format = "sequelize"       // up(queryInterface, Sequelize)
)

// Region is a byte range [Start, End) of a file that holds SQL to run.
type Region struct {
	Start int
	End   int
}

// Problem is something wrong with a migration file's format (a goose
// file with no Up section, a sqitch change without a deploy script, ...).
type Problem struct {
	Span    source.Span
	Message string
}

// Migration is one migration file, in the direction that is checked.
type Migration struct {
	Path    string // slash-separated, as found (relative to the scanned root's parent dir when discovered)
	File    *source.File
	Format  Format
	Version string // the tool's version key ("20240101120000", "3", "1.2" for Flyway)
	Name    string // the descriptive part of the file name
	Order   int    // 0-based position in apply order among the migrations found together
	// Down is true for a down migration (only loaded with IncludeDown).
	Down bool
	// Repeatable is true for Flyway's R__ migrations, which run after the
	// versioned ones whenever their checksum changes.
	Repeatable bool
	// Transactional is true when the tool itself wraps the migration's
	// statements in one transaction (goose and dbmate by default, Flyway,
	// a golang-migrate or Prisma file of several statements, which
	// PostgreSQL runs as one implicit transaction). Explicit BEGIN/COMMIT
	// inside the file is seen by the operation stream, not here.
	Transactional bool
	// Regions are the parts of the file that run in this direction (all
	// of a plain file; the Up section of goose and dbmate files).
	Regions []Region
	// Problems are format-level problems found while reading the file.
	Problems []Problem
	// Part is true when the migration is one part of a file that holds
	// several (one element of a Go migration list): its Regions are that
	// part, and only they identify it across releases.
	Part bool

	// Statements and SyntaxErrors are filled by Parse.
	Statements   []sqlparse.Statement
	SyntaxErrors []*sqlparse.SyntaxError
}

// Content is what identifies the migration's text across releases: the
// whole file, or the regions of a migration that is part of a file.
func (m *Migration) Content() []byte {
	if !m.Part {
		return m.File.Text
	}
	var out []byte
	for _, r := range m.Regions {
		out = append(out, m.File.Text[r.Start:r.End]...)
	}
	return out
}

// Parse parses every region of m with PostgreSQL's parser.
func (m *Migration) Parse() {
	m.Statements = m.Statements[:0]
	m.SyntaxErrors = m.SyntaxErrors[:0]
	for _, r := range m.Regions {
		res := sqlparse.ParseRegion(m.File, r.Start, r.End)
		m.Statements = append(m.Statements, res.Statements...)
		m.SyntaxErrors = append(m.SyntaxErrors, res.Errors...)
	}
}
