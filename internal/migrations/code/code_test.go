package code_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/code"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// Each testdata/<format>/<case> is a migration directory. The test
// checks that exactly the framework of <format> detects it, discovers
// and translates it, and compares a dump of the migrations (version,
// transaction), their operations, notes and the SQL they send, each with
// the line and the source text it points at, with want.golden.
func TestTranslations(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, dir := range dirs {
		format := migration.Format(filepath.Base(filepath.Dir(dir)))
		t.Run(string(format)+"/"+filepath.Base(dir), func(t *testing.T) {
			fsys := os.DirFS(dir)
			var detected []migration.Format
			var fw migration.Framework
			for _, f := range code.All() {
				if f.Detect(fsys, ".") {
					detected = append(detected, f.Format())
				}
				if f.Format() == format {
					fw = f
				}
			}
			if fw == nil {
				t.Fatalf("no framework for %s", format)
			}
			if diff := cmp.Diff([]migration.Format{format}, detected); diff != "" {
				t.Errorf("detected (-want +got):\n%s", diff)
			}
			set, err := fw.Discover(fsys, ".", migration.Options{SQL: migrations.Discover}) // the loader reads goose SQL files
			if err != nil {
				t.Fatal(err)
			}
			trs := fw.Translate(set.Migrations, migration.TranslateOptions{})
			got := dump(set, trs)
			golden := filepath.Join(dir, "want.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("translation (-want +got):\n%s", diff)
			}
		})
	}
}

// dump writes what a reader made of a directory.
func dump(set *migration.Set, trs []migration.Translation) string {
	var b strings.Builder
	for _, s := range set.Skipped {
		fmt.Fprintf(&b, "skipped %s: %s\n", s.Path, s.Reason)
	}
	for i, m := range set.Migrations {
		tx := "no transaction"
		if m.Transactional {
			tx = "in a transaction"
		}
		fmt.Fprintf(&b, "== %s %s version %q name %q, %s\n", m.Path, m.Format, m.Version, m.Name, tx)
		if i >= len(trs) {
			continue
		}
		tr := trs[i]
		for _, op := range tr.Ops {
			what := op.Table.String()
			if op.Column != "" {
				what += "." + op.Column
			}
			if op.NewName != "" {
				what += " -> " + op.NewName
			}
			if op.Kind == "create-index" && op.Index != nil && op.Index.Concurrently {
				what += " concurrently"
			}
			in := ""
			if op.InTransaction {
				in = fmt.Sprintf(" tx%d", op.Tx)
			}
			fmt.Fprintf(&b, "op %s %s%s %s\n", op.Kind, what, in, at(m.File, op.Span))
		}
		for _, n := range tr.Notes {
			fmt.Fprintf(&b, "note %s %s: %s\n", n.Kind, at(m.File, n.Span), n.Message)
		}
		for _, s := range tr.SQL {
			in := ""
			if s.InTransaction {
				in = " (tx)"
			}
			fmt.Fprintf(&b, "sql%s %s: %s\n", in, at(m.File, s.Span), oneLine(s.Text))
		}
	}
	return b.String()
}

// at shows a span as line:col and the source text it covers.
func at(f *source.File, sp source.Span) string {
	if f == nil || sp.Empty() {
		return "@-"
	}
	return fmt.Sprintf("@%d:%d %q", sp.Start.Line, sp.Start.Column, clip(oneLine(string(f.Text[sp.Start.Offset:sp.End.Offset]))))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string) string {
	if r := []rune(s); len(r) > 70 {
		return string(r[:67]) + "..."
	}
	return s
}

// TestForFile guesses the framework of each test file read on its own
// (an editor buffer, --stdin), and translates it so: a migration's file
// gives its own format and operations, a runner or a SQL file nothing.
func TestForFile(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	notMigrations := map[string]bool{"runner.go": true, "main.go": true, "00001_init.sql": true}
	checked := 0
	for _, p := range files {
		base := filepath.Base(p)
		if base == "want.golden" {
			continue
		}
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want := migration.Format(filepath.Base(filepath.Dir(filepath.Dir(p))))
		if notMigrations[base] {
			want = ""
		}
		var got migration.Format
		if fw := code.ForFile(p, text); fw != nil {
			got = fw.Format()
		}
		if got != want {
			t.Errorf("%s: ForFile = %q, want %q", p, got, want)
			continue
		}
		if want == "" {
			continue
		}
		loaded, err := migrations.Text(p, text, migrations.PathOptions{})
		if err != nil {
			t.Fatal(err)
		}
		u := loaded.Migrations[0]
		if !u.Framework || u.Format != want {
			t.Errorf("%s: Text gives format %q (framework %v), want %q", p, u.Format, u.Framework, want)
		}
		if len(u.Ops) == 0 && len(u.Notes) == 0 {
			t.Errorf("%s: Text gives neither operations nor notes", p)
		}
		checked++
	}
	if checked < 10 {
		t.Errorf("only %d files checked", checked)
	}
}
