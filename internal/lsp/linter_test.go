package lsp_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/internal/migrations"
)

// The linter parses only the statements an edit touched and keeps the
// rest; whatever the edits, it must find what linting the text from
// scratch finds. Every rule case, and the benchmark migrations, are
// linted after edits that move, change and duplicate statements.
func TestPlainLinterMatchesLint(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "rules", "*", "*.sql"))
	if err != nil || len(files) < 30 {
		t.Fatalf("rule cases: %d files, %v", len(files), err)
	}
	texts := map[string]string{"schema": schemaMigration1000(), "unsafe": unsafeMigration1000()}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f)] = string(data)
	}
	cfg := config.Default()
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			l := lsp.NewPlainLinter()
			path := "/nowhere/" + strings.ReplaceAll(name, "/", "_")
			if !strings.HasSuffix(path, ".sql") {
				path += ".sql"
			}
			versions := []string{
				text,
				"-- moved: ü 🚀\n" + text, // every statement moves
				strings.Replace(text, ";", ";\nSELECT 1;", 1), // one inserted
				text + "\n" + text,                            // every statement twice
				strings.Replace(text, "(", "( ", 1),           // one changed in place
				text,                                          // back
			}
			for i, v := range versions {
				got, err := l.Lint(context.Background(), lsp.Input{Path: path, Text: []byte(v), Config: cfg})
				if err != nil {
					t.Fatalf("version %d: %v", i, err)
				}
				loaded, err := migrations.Text(filepath.ToSlash(path), []byte(v), migrations.PathOptions{PGVersion: cfg.PGVersion})
				if err != nil {
					t.Fatal(err)
				}
				want := lint.Run(loaded.Migrations, lint.Options{Config: cfg, Catalog: catalog.New()})
				if diff := cmp.Diff(want, got.Findings); diff != "" {
					t.Fatalf("version %d (-lint +lsp):\n%s", i, diff)
				}
			}
		})
	}
}
