package rules_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

// A data migration of thousands of statements after one ALTER TABLE is
// one finding of each rule the run makes fire, whose span runs from the
// first statement under the lock to the last.
func TestOneFindingForARun(t *testing.T) {
	var b strings.Builder
	b.WriteString("BEGIN;\nALTER TABLE users ADD COLUMN flag boolean;\n")
	const n = 5000
	for i := 0; i < n; i++ {
		b.WriteString("UPDATE orders SET status = 'x' WHERE id = 1;\n")
	}
	b.WriteString("COMMIT;\n")
	text := b.String()
	for _, r := range []*rules.Rule{rules.StatementAfterAccessExclusive, rules.DataBackfillInSchemaMigration} {
		m := migrations.FromText("data.sql", []byte(text), migration.FormatSQL)
		fs := lint.Run([]*migration.Migration{m}, lint.Options{Rules: []*rules.Rule{r}})
		if len(fs) != 1 {
			t.Fatalf("%s: %d findings, want 1", r.Name, len(fs))
		}
		first := strings.Index(text, "UPDATE")
		last := strings.LastIndex(text, "WHERE id = 1") + len("WHERE id = 1")
		type span struct{ Start, End, StartLine, EndLine int }
		got := span{fs[0].Span.Start.Offset, fs[0].Span.End.Offset, fs[0].Span.Start.Line, fs[0].Span.End.Line}
		if diff := cmp.Diff(span{first, last, 3, n + 2}, got); diff != "" {
			t.Errorf("%s: span (-want +got):\n%s", r.Name, diff)
		}
	}
}
