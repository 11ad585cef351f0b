// Package migration is what one migration is, from the loader to the
// report: its file and tool, which parts of it run and whether inside a
// transaction, its statements or translated operations, the SQL it sends
// and what its reader noticed. Package migrations finds and reads them;
// the framework translators (rails, django, alembic) fill them in.
package migration

import (
	"github.com/schemagate/schemagate/internal/ops"
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

	// Ops are the migration's operations: parsed from its SQL by Prepare,
	// or translated from a framework's calls, each with the span of the
	// statement or call that produced it.
	Ops []ops.Op
	// Framework is set for migrations written as framework code (Rails,
	// Django, Alembic): their Ops come from calls, not SQL statements,
	// and Statements stay empty.
	Framework bool
	// Notes are what a translator could not turn into operations or wants
	// the user to see (see Translation.Notes). Never dropped.
	Notes []Note
	// Suppressed are spans (strong_migrations' safety_assured blocks) in
	// which lint findings are suppressed; compatibility errors are not.
	Suppressed []source.Span
	// Undecided are spans of code that runs only under a condition the
	// translator could not decide (see Translation.Undecided): findings
	// inside are at most warnings.
	Undecided []source.Span
	// PostDeploy is true for a migration that runs after the new release
	// is deployed (db/post_migrate, is_post_deployment).
	PostDeploy bool
	// SQL is what a framework sends to PostgreSQL for this migration (see
	// Translation.SQL); verify runs it.
	SQL []SQLStatement
}

// Prepare parses a SQL migration and computes its operations; a
// translated migration has them already. It is safe to call more than
// once. Rules read operations and statement text, not parse trees, so the
// trees are let go: a large run must not hold all of them at once.
func (m *Migration) Prepare(pgVersion int) {
	if m.Ops != nil || m.Framework {
		return
	}
	opt := ops.Options{Transactional: m.Transactional, PGVersion: pgVersion, File: m.File}
	if m.Statements == nil && m.SyntaxErrors == nil && m.prepareInChunks(opt) {
		return
	}
	if m.Statements == nil && m.SyntaxErrors == nil {
		m.Parse()
	}
	m.Ops = ops.FromStatements(m.Statements, opt)
	for i := range m.Statements {
		m.Statements[i].Node = nil
	}
}

// prepareInChunks parses and converts a migration whose regions parse
// without error chunk by chunk (see sqlparse.ParseChunks): a long file
// then uses every core, and each chunk's parse trees are let go as soon
// as its operations are built. It gives what Parse and FromStatements
// give, or false (having changed nothing) when a region has a syntax
// error, which the whole-region parse reports.
func (m *Migration) prepareInChunks(opt ops.Options) bool {
	type chunk struct {
		stmts []sqlparse.Statement
		ops   []ops.Op
	}
	var parts []chunk
	nStmts, nOps := 0, 0
	for _, r := range m.Regions {
		chunks, ok := sqlparse.ParseChunks(m.File, r.Start, r.End, func(res sqlparse.Result) chunk {
			c := chunk{stmts: res.Statements, ops: ops.Convert(res.Statements, opt)}
			for i := range c.stmts {
				c.stmts[i].Node = nil
			}
			return c
		})
		if !ok {
			return false
		}
		for _, c := range chunks {
			nStmts, nOps = nStmts+len(c.stmts), nOps+len(c.ops)
		}
		parts = append(parts, chunks...)
	}
	switch {
	case nStmts == 0:
	case len(parts) == 1:
		m.Statements, m.Ops = parts[0].stmts, parts[0].ops
	default:
		// Sized once: an operation is some hundreds of bytes, and a long
		// file has tens of thousands.
		m.Statements, m.Ops = make([]sqlparse.Statement, 0, nStmts), make([]ops.Op, 0, nOps)
		for _, c := range parts {
			for i := range c.ops {
				c.ops[i].Stmt += len(m.Statements)
			}
			m.Statements = append(m.Statements, c.stmts...)
			m.Ops = append(m.Ops, c.ops...)
		}
	}
	ops.Annotate(m.Ops, opt.Transactional)
	return true
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
