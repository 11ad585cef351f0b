package migration

import (
	"bytes"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Tool is what a migration tool does that the engine, the rules, the
// editor and the commands need to know. They ask a migration's Format for
// its Tool instead of switching on format names; a new format is one
// entry in the tools table below, beside its reader.
type Tool struct {
	Format Format
	// Framework is true when the migrations are code that a Framework
	// translates (Rails, Django, Alembic).
	Framework bool
	// LineComment starts a comment in the migrations' language.
	LineComment string
	// Transaction says what wraps a migration's statements.
	Transaction TxMode
	// NoTransaction says, in the tool's own words, how to run a migration
	// outside a transaction.
	NoTransaction string
	// OutsideTransaction returns the edit of the file that makes the tool
	// run it outside a transaction, and what it does, for the tools that
	// say so in the file (goose, dbmate); nil for the others.
	OutsideTransaction func(m *Migration) (edits []Edit, title string, ok bool)
	// Nested is true when a migration lives in a subdirectory of its
	// migration directory (Prisma's <timestamp>_<name>/migration.sql,
	// sqitch's deploy/).
	Nested bool
	// Versioned is true when migrations have versions that releases are
	// matched by; plain SQL files are matched by file name.
	Versioned bool
	// OneOrder is true when the migrations of all of the tool's
	// directories run in one version order (Rails' db/migrate and
	// db/post_migrate).
	OneOrder bool
	// SchemaFiles are the schema files the tool regenerates with every
	// migration, relative to its migration directory: the deployed schema
	// even when old migrations were squashed away.
	SchemaFiles []string
	// ValidatesChecksums is true when the tool refuses to migrate once
	// the text of an applied migration changed (Flyway's validate), so
	// that even a comment edit of a released migration breaks the deploy.
	ValidatesChecksums bool
	// History is how the tool records applied migrations in the database;
	// nil when it keeps none schemagate reads.
	History *History
}

// TxMode says what wraps a migration's statements.
type TxMode int

// Transaction modes.
const (
	// TxNone: the file runs statement by statement (psql -f), in
	// transactions only where it says BEGIN.
	TxNone TxMode = iota
	// TxTool: the tool runs each migration in a transaction unless the
	// migration opts out (Migration.Transactional says which).
	TxTool
	// TxImplicit: the tool sends the file as one query string, which
	// PostgreSQL runs as one implicit transaction when it holds several
	// statements (golang-migrate, Prisma).
	TxImplicit
)

// Edit replaces [Start, End) of a file's text with Text.
type Edit struct {
	Start, End int
	Text       string
}

// History is how a tool records applied migrations.
type History struct {
	// Reader names the reader of the tool's table in package pgdb
	// (pgdb.HistoryFormats).
	Reader string
	// Ran reports whether the table's record says m has run.
	Ran func(m *Migration, a Applied) bool
}

// Applied is what a history table records (see pgdb.Applied).
type Applied struct {
	Versions []string // the keys of the applied migrations
	Baseline string   // Flyway: versions up to it count as applied
}

// Tool returns what schemagate knows of the format's tool; a name it does
// not know (the schema-dump pseudo format) gets plain SQL's behaviour.
func (f Format) Tool() *Tool {
	if t, ok := tools[f]; ok {
		return t
	}
	return &Tool{Format: f, LineComment: "--", NoTransaction: "run it outside a transaction"}
}

// IsFramework reports whether f is a framework format, whose migrations
// are code that a Framework translates.
func (f Format) IsFramework() bool { return f.Tool().Framework }

// tools is every format's tool.
var tools = byFormat([]*Tool{
	{
		Format: FormatSQL, LineComment: "--", Transaction: TxNone,
		NoTransaction: "remove the surrounding BEGIN/COMMIT and run it on its own",
	},
	{
		Format: FormatGolangMigrate, LineComment: "--", Transaction: TxImplicit, Versioned: true,
		NoTransaction: "move the statement into a migration of its own: a file of one statement runs outside a transaction",
		// One row: the version reached; everything up to it has run.
		History: &History{Reader: "golang-migrate", Ran: func(m *Migration, a Applied) bool {
			return slices.ContainsFunc(a.Versions, func(v string) bool { return CompareVersions(m.Version, v) <= 0 })
		}},
	},
	{
		Format: FormatGoose, LineComment: "--", Transaction: TxTool, Versioned: true,
		NoTransaction:      "add `-- +goose NO TRANSACTION` at the top of the file",
		OutsideTransaction: gooseNoTransaction,
		History:            &History{Reader: "goose", Ran: ranVersion},
	},
	{
		Format: FormatDbmate, LineComment: "--", Transaction: TxTool, Versioned: true,
		NoTransaction:      "write `-- migrate:up transaction:false`",
		OutsideTransaction: dbmateNoTransaction,
		History:            &History{Reader: "dbmate", Ran: ranVersion},
	},
	{
		Format: FormatFlyway, LineComment: "--", Transaction: TxTool, Versioned: true, ValidatesChecksums: true,
		NoTransaction: "add a `V<version>__<name>.sql.conf` file with `executeInTransaction=false`",
		History: &History{Reader: "flyway", Ran: func(m *Migration, a Applied) bool {
			if a.Baseline != "" && CompareVersions(m.Version, a.Baseline) <= 0 {
				return true
			}
			return slices.ContainsFunc(a.Versions, func(v string) bool { return CompareVersions(m.Version, v) == 0 })
		}},
	},
	{
		Format: FormatPrisma, LineComment: "--", Transaction: TxImplicit, Versioned: true, Nested: true,
		NoTransaction: "move the statement into a migration of its own: a file of one statement runs outside a transaction",
		// Recorded by the migration's directory name.
		History: &History{Reader: "prisma", Ran: func(m *Migration, a Applied) bool {
			return slices.Contains(a.Versions, path.Base(path.Dir(m.Path)))
		}},
	},
	{
		Format: FormatSqitch, LineComment: "--", Transaction: TxTool, Versioned: true, Nested: true,
		NoTransaction: "remove the surrounding BEGIN/COMMIT and run it on its own",
		History: &History{Reader: "sqitch", Ran: func(m *Migration, a Applied) bool {
			return slices.Contains(a.Versions, m.Name)
		}},
	},
	{
		Format: FormatRails, Framework: true, LineComment: "#", Transaction: TxTool, Versioned: true, OneOrder: true,
		NoTransaction: "add `disable_ddl_transaction!` to the migration class",
		SchemaFiles:   []string{"../structure.sql", "../schema.rb"},
		History:       &History{Reader: "rails", Ran: ranVersion},
	},
	{
		Format: FormatDjango, Framework: true, LineComment: "#", Transaction: TxTool, Versioned: true,
		NoTransaction: "set `atomic = False` on the Migration class",
		// <app>/migrations/<name>.py is recorded as app/name.
		History: &History{Reader: "django", Ran: func(m *Migration, a Applied) bool {
			dir := path.Dir(m.Path)
			return path.Base(dir) == "migrations" &&
				slices.Contains(a.Versions, path.Base(path.Dir(dir))+"/"+strings.TrimSuffix(path.Base(m.Path), ".py"))
		}},
	},
	{
		Format: FormatAlembic, Framework: true, LineComment: "#", Transaction: TxTool, Versioned: true,
		NoTransaction: "wrap it in `with op.get_context().autocommit_block():`",
	},
	// Migrations written in Go, TypeScript or JavaScript.
	{
		Format: FormatGooseGo, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true,
		NoTransaction: "register it with goose.AddMigrationNoTxContext",
		// goose_db_version holds Go and SQL migrations alike.
		History: &History{Reader: "goose", Ran: ranVersion},
	},
	{Format: FormatGoList, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true, NoTransaction: "run it outside a transaction"},
	{Format: FormatGoVersioned, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true, NoTransaction: "run it outside a transaction"},
	{Format: FormatTypeORM, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true, NoTransaction: "set `transaction = false` on the migration class"},
	{Format: FormatNodePgMigrate, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true, NoTransaction: "call `pgm.noTransaction()` in the migration"},
	{Format: FormatKnex, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true, NoTransaction: "export `config = { transaction: false }` from the migration"},
	{Format: FormatSequelize, Framework: true, LineComment: "//", Transaction: TxTool, Versioned: true, NoTransaction: "run it outside a transaction"},
})

func byFormat(list []*Tool) map[Format]*Tool {
	m := map[Format]*Tool{}
	for _, t := range list {
		m[t.Format] = t
	}
	return m
}

// ranVersion: the table has a row per applied version.
func ranVersion(m *Migration, a Applied) bool {
	return slices.ContainsFunc(a.Versions, func(v string) bool { return v == m.Version || CompareVersions(m.Version, v) == 0 })
}

// gooseNoTransaction adds goose's NO TRANSACTION annotation at the top.
func gooseNoTransaction(m *Migration) ([]Edit, string, bool) {
	text := m.File.Text
	at := BodyStart(text)
	return []Edit{{Start: at, End: at, Text: "-- +goose NO TRANSACTION" + newline(text)}}, "run the migration outside a transaction (-- +goose NO TRANSACTION)", true
}

var dbmateUpLine = regexp.MustCompile(`^--\s*migrate:up(\s.*)?$`)

// dbmateNoTransaction sets transaction:false on dbmate's migrate:up line.
func dbmateNoTransaction(m *Migration) ([]Edit, string, bool) {
	f := m.File
	for n := 1; n <= f.LineCount(); n++ {
		line := f.Line(n)
		if !dbmateUpLine.MatchString(line) {
			continue
		}
		start := f.LineStart(n)
		note := "run the migration outside a transaction (-- migrate:up transaction:false)"
		if i := strings.Index(line, "transaction:"); i >= 0 {
			j := i + strings.IndexAny(line[i:]+" ", " \t")
			return []Edit{{Start: start + i, End: start + j, Text: "transaction:false"}}, note, true
		}
		end := start + len(line)
		return []Edit{{Start: end, End: end, Text: " transaction:false"}}, note, true
	}
	return nil, "", false
}

// newline is the file's line ending.
func newline(text []byte) string {
	if bytes.Contains(text, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}
