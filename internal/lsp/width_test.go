package lsp

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// Every finding of every rule on the repository's migration corpus (the
// rules' test files, the SQL formats', Rails', Django's and Alembic's)
// becomes a diagnostic with width, so the editor underlines something.
// Only a file with no text at all has nothing to underline.
func TestEveryDiagnosticHasWidth(t *testing.T) {
	root := filepath.Join("..", "..", "testdata")
	n := 0
	for _, dir := range []string{"rules", "migrations", "frameworks"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch filepath.Ext(p) {
			case ".sql", ".rb", ".py":
			default:
				return nil
			}
			text, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.TrimSpace(string(text)) == "" {
				return nil
			}
			// Text schemagate does not read (binary) has no findings to
			// place: lint says so without a span.
			if loaded, err := migrations.Text(p, text, migrations.PathOptions{PGVersion: 16}); err == nil {
				n += checkWidth(t, p, loaded.Migrations[0])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("only %d findings on the corpus: it was not read", n)
	}
}

// checkWidth lints m and checks that each finding's diagnostic range has
// width; it returns how many findings there were.
func checkWidth(t *testing.T, p string, m *migration.Migration) int {
	t.Helper()
	fs := lint.Run([]*migration.Migration{m}, lint.Options{Catalog: catalog.New(), Workers: 1})
	for _, f := range fs {
		if r := spanRange(m.File, f.Span); r.Start == r.End {
			t.Errorf("%s: %s at %d:%d has no width (span %d-%d)", p, f.Rule, f.Span.Start.Line, f.Span.Start.Column, f.Span.Start.Offset, f.Span.End.Offset)
		}
	}
	return len(fs)
}
