package lint

import (
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/rules"
)

// FromTranslation makes a lint unit of a translated framework migration:
// its operations stand in for parsed SQL, and what the translator could
// not read becomes findings at its span.
func FromTranslation(t migrations.Translation) *Unit {
	u := &Unit{Migration: t.Migration, Ops: t.Ops, Framework: true, Suppressed: t.Suppressed}
	if u.Ops == nil {
		u.Ops = []ops.Op{}
	}
	for _, n := range t.Notes {
		r := rules.UnrecognisedMigrationCode
		switch n.Kind {
		case migrations.NoteSyntaxError:
			r = rules.SyntaxError
		case migrations.NoteTooComplex:
			r = rules.StatementTooComplex
		case migrations.NoteDataMigration:
			r = rules.DataMigration
		}
		f := r.At(t.Migration.Path, n.Span, n.Message)
		if n.Kind == migrations.NoteUnchecked {
			f.Severity = rules.Warning // SQL the migration certainly runs, unread
		}
		u.Extra = append(u.Extra, f)
	}
	return u
}
