package alembic

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/nesting"
)

// A revision nested past Python's limit is refused before tree-sitter
// parses it, but stays in the chain (its header is read); one at the
// limit translates; the other revisions keep their translations.
func TestNestingBound(t *testing.T) {
	rev := func(id, down, body string) string {
		return fmt.Sprintf("from alembic import op\nimport sqlalchemy as sa\n\nrevision = '%s'\ndown_revision = %s\n\n\ndef upgrade() -> None:\n    %s\n", id, down, body)
	}
	// op.execute( is one level.
	execute := func(levels int) string {
		n := levels - 1
		return "op.execute(" + strings.Repeat("(", n) + "'SELECT 1'" + strings.Repeat(")", n) + ")"
	}
	deep := rev("b2", "'a1'", execute(nesting.MaxPython+1))
	fs := fstest.MapFS{
		"versions/a1_at_bound.py": file(rev("a1", "None", execute(nesting.MaxPython))),
		"versions/b2_deep.py":     file(deep),
		"versions/c3_column.py":   file(rev("c3", "'b2'", "op.add_column('users', sa.Column('note', sa.Text()))")),
	}
	set, err := New().Discover(fs, ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, tr := range New().Translate(set.Migrations, migration.TranslateOptions{}) {
		lines := []string{tr.Migration.Version}
		for _, s := range tr.SQL {
			lines = append(lines, s.Text)
		}
		for _, n := range tr.Notes {
			lines = append(lines, fmt.Sprintf("%d:%d %s: %s", n.Span.Start.Line, n.Span.Start.Column, n.Kind, n.Message))
		}
		got[tr.Migration.Path] = lines
	}
	at := strings.Index(deep, "op.execute(") + len("op.execute(") + nesting.MaxPython - 1
	line := strings.Count(deep[:at], "\n") + 1
	col := at - strings.LastIndexByte(deep[:at], '\n')
	want := map[string][]string{
		"versions/a1_at_bound.py": {"a1", "SELECT 1"},
		"versions/b2_deep.py":     {"b2", fmt.Sprintf("%d:%d syntax-error: %s", line, col, tooDeepMessage)},
		"versions/c3_column.py":   {"c3", `ALTER TABLE "users" ADD COLUMN "note" TEXT`},
	}
	if diff := cmp.Diff(want, got); diff != "" || len(set.Skipped) != 0 {
		t.Errorf("translations (-want +got):\n%s\nskipped: %v", diff, set.Skipped)
	}
}
