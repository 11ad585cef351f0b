// Package migrationstest has checks that the framework translators' tests share.
package migrationstest

import (
	"testing"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

// TranslationInFile fails t when an operation, a note or an undecided
// span of a translated framework migration is outside its file of size
// bytes (the property every translator's fuzz target checks).
func TranslationInFile(t testing.TB, tr migration.Translation, size int) {
	t.Helper()
	inFile := func(s source.Span) bool {
		return s.Start.Offset >= 0 && s.End.Offset <= size && s.Start.Offset <= s.End.Offset
	}
	for _, op := range tr.Ops {
		if !inFile(op.Span) {
			t.Fatalf("op span %+v outside the file", op.Span)
		}
	}
	for _, n := range tr.Notes {
		if !inFile(n.Span) {
			t.Fatalf("note span %+v outside the file", n.Span)
		}
	}
	for _, u := range tr.Undecided {
		if !inFile(u) {
			t.Fatalf("undecided span %+v outside the file", u)
		}
	}
}
