package lsp_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lsp"
	"github.com/schemagate/schemagate/rules"
)

// countingStore is a lint.Store in memory that counts its hits.
type countingStore struct {
	m    map[string][]rules.Finding
	hits int
}

func (s *countingStore) Get(key string) ([]rules.Finding, bool) {
	f, ok := s.m[key]
	if ok {
		s.hits++
	}
	return f, ok
}

func (s *countingStore) Put(key string, f []rules.Finding) { s.m[key] = f }

// TestLintStoreAcrossSessions: a new session linting a document of a
// migration directory that did not change takes the findings an earlier
// session stored; a change to a migration before the document, which
// changes the schema it is checked against, does not.
func TestLintStoreAcrossSessions(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "migrations")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	first := filepath.Join(dir, "001_create.sql")
	doc := filepath.Join(dir, "002_alter.sql")
	write := func(p, text string) {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(first, "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(80));\n")
	text := "ALTER TABLE users ALTER COLUMN email TYPE varchar(120);\n"
	write(doc, text)
	cfg := config.Default()
	cfg.Migrations = []config.MigrationDir{{Dir: "migrations"}}
	cfg.Root = root
	store := &countingStore{m: map[string][]rules.Finding{}}
	session := func() *lsp.Result {
		t.Helper()
		l := lsp.NewLinter(lsp.LinterOptions{Version: "test", NoCache: true, LintStore: store})
		defer l.Close()
		res, err := l.Lint(context.Background(), lsp.Input{Path: doc, OnDisk: true, Text: []byte(text), Config: cfg, Root: root})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	cold := session()
	if len(cold.Findings) == 0 {
		t.Fatal("no findings to store")
	}
	warm := session()
	if store.hits != 1 {
		t.Errorf("%d hits, want the second session to hit", store.hits)
	}
	if diff := cmp.Diff(cold.Findings, warm.Findings); diff != "" {
		t.Errorf("stored findings (-cold +warm):\n%s", diff)
	}
	// Growing the column from text makes the ALTER a rewrite no more.
	write(first, "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n")
	changed := session()
	if store.hits != 1 {
		t.Errorf("%d hits after the schema before the document changed, want 1", store.hits)
	}
	if cmp.Equal(cold.Findings, changed.Findings) {
		t.Error("the findings did not follow the schema before the document")
	}
}
