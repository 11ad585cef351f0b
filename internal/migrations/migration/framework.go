package migration

import (
	"io/fs"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Translation is one framework migration turned into the operations a SQL
// migration would give, so every rule, report and editor feature works on
// it unchanged.
type Translation struct {
	Migration *Migration
	// Ops carry the span of the call that produced each (for SQL inside
	// execute/RunSQL/op.execute, the statement's span mapped into the host
	// file); ops.Annotate has been applied with Migration.Transactional.
	Ops []ops.Op
	// Notes are things the translator could not turn into operations or
	// wants the user to see: unrecognised code (an app helper, a loop, a
	// data migration), a host-language syntax error. Never dropped.
	Notes []Note
	// Suppressed are spans (strong_migrations' safety_assured blocks)
	// inside which lint findings are suppressed; compatibility errors are
	// not.
	Suppressed []source.Span
	// Undecided are spans of code that runs only under a condition the
	// translator could not decide (an `if` on a setting or an
	// environment variable): it is translated as if it ran, and what is
	// found inside is reported at most as a warning, since the hazard is
	// real only if the branch runs.
	Undecided []source.Span
	// PostDeploy is true for migrations that run after the new release is
	// deployed (db/post_migrate, is_post_deployment).
	PostDeploy bool
	// SQL is what the framework would send to PostgreSQL for this
	// migration, statement by statement in order, each with the span of
	// the call that produced it. verify runs it on a scratch database.
	SQL []SQLStatement
}

// Apply records the translation on its migration, which from then on
// carries the operations, notes and SQL in place of parsed statements.
func (t Translation) Apply() {
	m := t.Migration
	m.Framework = true
	m.Ops = t.Ops
	if m.Ops == nil {
		m.Ops = []ops.Op{}
	}
	m.Notes, m.Suppressed, m.Undecided, m.PostDeploy, m.SQL = t.Notes, t.Suppressed, t.Undecided, t.PostDeploy, t.SQL
}

// SQLStatement is one statement a framework migration runs.
type SQLStatement struct {
	Text string
	Span source.Span
	// InTransaction is false for statements the framework runs outside
	// its transaction (disable_ddl_transaction!, atomic = False,
	// autocommit_block()).
	InTransaction bool
}

// NoteKind says what a Note is.
type NoteKind string

// Note kinds; each maps to a rule in package rules.
const (
	NoteUnrecognised  NoteKind = "unrecognised-migration-code" // hint
	NoteSyntaxError   NoteKind = "syntax-error"                // error
	NoteTooComplex    NoteKind = "statement-too-complex"       // error: SQL nested too deeply to parse
	NoteDataMigration NoteKind = "data-migration"              // hint: RunPython, update_all
	// NoteUnchecked is unrecognised-migration-code raised to a warning:
	// SQL the migration certainly runs that nothing could read (every
	// DDL string of a migration in code), or a syntax error in a branch
	// that may be for another database.
	NoteUnchecked NoteKind = "unrecognised-migration-code/warning"
)

// SQLNoteKind is the kind of note for SQL the parser refused: a syntax
// error, or a statement too deeply nested to parse.
func SQLNoteKind(e *sqlparse.SyntaxError) NoteKind {
	if e.TooComplex {
		return NoteTooComplex
	}
	return NoteSyntaxError
}

// Note is something a translator reports at a span of the migration file.
type Note struct {
	Kind    NoteKind
	Span    source.Span
	Message string
}

// Framework reads one framework's migrations.
type Framework interface {
	Format() Format
	// Detect reports whether dir (a migration directory, or for Django a
	// project root) holds this framework's migrations.
	Detect(fsys fs.FS, dir string) bool
	// Discover finds and orders the migrations (Rails by version, Django
	// by its dependency graph across apps, Alembic by the down_revision
	// chain). Files are read whole into Migration.File.
	Discover(fsys fs.FS, dir string, opt Options) (*Set, error)
	// Translate turns migrations, in apply order, into operations,
	// replaying the framework's own state (Django's model state, Rails'
	// index names) from the first migration on: translating the pending
	// ones needs the earlier ones too. It must not fail: what it cannot
	// read becomes a Note.
	Translate(ms []*Migration, opt TranslateOptions) []Translation
}

// PrefixStable is implemented by a Framework whose translation of a
// migration depends on that migration and the ones before it only (Rails
// replays them in order, Alembic reads each on its own; Django is not:
// the Django version in any file's header applies to all). The loader
// then reuses the translations of the migrations two trees share.
type PrefixStable interface {
	PrefixStable() bool
}

// TranslateOptions configure translation.
type TranslateOptions struct {
	PGVersion int
	// Catalog, when not nil, is the schema before the first migration
	// (from a schema file); translators may consult it to resolve names.
	Catalog *catalog.Catalog
}
