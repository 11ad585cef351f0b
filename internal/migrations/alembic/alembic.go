// Package alembic reads Alembic migrations: it finds the revision files
// (alembic.ini's script_location, versions/*.py ordered by the
// down_revision graph) and translates each upgrade() into the typed
// operations the SQL PostgreSQL would run, so every rule checks them as
// it checks SQL.
//
// Every op.* call is rendered as the SQL Alembic emits for it on
// PostgreSQL (SQLAlchemy's types, SERIAL primary keys, server defaults,
// the statements an add_column with a foreign key adds) and that SQL goes
// through the same path as a SQL migration (pg_query, ops.FromStatements),
// so a call and the SQL it emits give equal operations by construction.
// Each operation then carries the span of the Python call.
package alembic

import (
	"fmt"
	"io/fs"
	"runtime"
	"sync"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// Alembic implements migration.Framework for Alembic projects.
type Alembic struct{}

// New returns the Alembic framework.
func New() *Alembic { return &Alembic{} }

var _ migration.Framework = (*Alembic)(nil)

// Format is migration.FormatAlembic.
func (*Alembic) Format() migration.Format { return migration.FormatAlembic }

// Detect reports whether dir is an Alembic project: an alembic.ini with a
// script_location, a pyproject.toml with [tool.alembic], or a versions/
// directory (or dir itself) of Python files declaring revision and
// down_revision.
func (*Alembic) Detect(fsys fs.FS, dir string) bool {
	_, err := locate(fsys, dir)
	return err == nil
}

// Discover finds the revision files and orders them by the
// down_revision/depends_on graph (see order). Version is the revision
// id. Every migration is Transactional: env.py runs them inside
// context.begin_transaction(); the statements in an autocommit_block()
// are marked outside it when translated. Only upgrade() is checked, so
// opt.IncludeDown changes nothing.
func (*Alembic) Discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	return discover(fsys, dir, opt)
}

// PrefixStable implements migration.PrefixStable: revisions are read
// each on its own.
func (*Alembic) PrefixStable() bool { return true }

// Translate translates the upgrade() of each migration. It never fails:
// what it cannot read becomes a Note. Revisions share no translation
// state (each is read on its own, as alembic imports it), so they are
// translated in parallel.
func (*Alembic) Translate(ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
	out := make([]migration.Translation, len(ms))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ms)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = translateSafely(ms[i], opt)
			}
		}()
	}
	for i := range ms {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// translateSafely keeps one file's translator bug from hiding the other
// files: it becomes a note on that file.
func translateSafely(m *migration.Migration, opt migration.TranslateOptions) (tr migration.Translation) {
	if m.File == nil {
		return migration.Translation{Migration: m, Notes: []migration.Note{{Kind: migration.NoteUnrecognised, Message: m.Path + ": not read"}}}
	}
	defer func() {
		if r := recover(); r != nil {
			tr = migration.Translation{Migration: m, Notes: []migration.Note{{
				Kind: migration.NoteUnrecognised, Span: firstLine(m.File),
				Message: fmt.Sprintf("internal error while translating this revision (please report it): %v", r),
			}}}
		}
	}()
	return translate(m, opt)
}
