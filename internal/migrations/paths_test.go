package migrations

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
)

var root, _ = filepath.Abs(filepath.Join("..", ".."))

// Framework migrations are linted like SQL ones, at the call's span, with
// the fix in the framework's own words.
func TestFrameworkFindingsSpeakTheFramework(t *testing.T) {
	cases := []struct {
		dir, rule, file, hint string
	}{
		{"testdata/frameworks/rails/app/db/migrate", "require-concurrent-index-creation", "20200201000000_change_users_table.rb", "algorithm: :concurrently"},
		{"testdata/frameworks/rails/app/db/migrate", "constraint-missing-not-valid", "20210201000000_add_post_to_comments.rb", "validate_foreign_key"},
		{"testdata/frameworks/alembic/shop", "require-lock-timeout", "2b3c4d5e6f7a_add_profile_columns.py", "op.execute"},
		{"testdata/frameworks/django/shop_project", "require-lock-timeout", "", "migrations.RunSQL"},
	}
	for _, c := range cases {
		t.Run(c.rule+"/"+filepath.Base(c.dir), func(t *testing.T) {
			loaded := Paths([]string{filepath.Join(root, c.dir)}, PathOptions{})
			if len(loaded.Problems) > 0 {
				t.Fatalf("problems: %v", loaded.Problems)
			}
			found := false
			for _, f := range lint.Run(loaded.Migrations, lint.Options{Catalog: catalog.New()}) {
				if f.Rule != c.rule || !strings.HasSuffix(f.File, c.file) {
					continue
				}
				found = true
				if !strings.Contains(f.Hint, c.hint) {
					t.Errorf("%s:%d: hint %q lacks %q", f.File, f.Span.Start.Line, f.Hint, c.hint)
				}
				if ext := filepath.Ext(f.File); ext != ".rb" && ext != ".py" {
					t.Errorf("finding in %s, want the migration source", f.File)
				}
			}
			if !found {
				t.Errorf("no %s finding in %s", c.rule, c.file)
			}
		})
	}
}

// One Rails migration file given on its own is translated with its
// siblings (the replay needs them), and findings point into it.
func TestSingleFrameworkFile(t *testing.T) {
	p := filepath.Join(root, "testdata/frameworks/rails/app/db/migrate/20200201000000_change_users_table.rb")
	loaded := Paths([]string{p}, PathOptions{})
	if len(loaded.Migrations) != 1 || len(loaded.Problems) != 0 {
		t.Fatalf("units %d problems %v", len(loaded.Migrations), loaded.Problems)
	}
	var rulesSeen []string
	for _, f := range lint.Run(loaded.Migrations, lint.Options{}) {
		if f.File != filepath.ToSlash(p) {
			t.Errorf("finding in %s", f.File)
		}
		rulesSeen = append(rulesSeen, f.Rule)
	}
	if !strings.Contains(strings.Join(rulesSeen, " "), "drop-column") {
		t.Errorf("rules %v lack drop-column", rulesSeen)
	}
}

// Editors send buffers: a Ruby buffer is translated, not parsed as SQL.
func TestTextBuffer(t *testing.T) {
	src := "class AddIndex < ActiveRecord::Migration[7.1]\n  def change\n    add_index :users, :email\n  end\nend\n"
	loaded, err := Text("db/migrate/20240101000000_add_index.rb", []byte(src), PathOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range lint.Run(loaded.Migrations, lint.Options{}) {
		got = append(got, f.Rule)
	}
	if diff := cmp.Diff([]string{"require-concurrent-index-creation"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := Text("x.sql", []byte{0, 1, 2}, PathOptions{}); err == nil {
		t.Error("a binary buffer must be an error")
	}
}

// Paths the config excludes are not linted.
func TestExclude(t *testing.T) {
	dir := filepath.Join(root, "testdata/examples/goose")
	all := Paths([]string{dir}, PathOptions{})
	some := Paths([]string{dir}, PathOptions{Exclude: []string{"**/00002_*.sql"}})
	if len(all.Migrations) != len(some.Migrations)+1 {
		t.Errorf("%d units, %d with one excluded", len(all.Migrations), len(some.Migrations))
	}
	for _, u := range some.Migrations {
		if strings.Contains(u.Path, "00002_") {
			t.Errorf("%s was not excluded", u.Path)
		}
	}
}
