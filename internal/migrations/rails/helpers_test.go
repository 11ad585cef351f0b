package rails

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// migration builds a migration file as `rails generate migration` would
// name it.
func newMigration(version, name, src string) *migration.Migration {
	p := "db/migrate/" + version + "_" + name + ".rb"
	return &migration.Migration{Path: p, File: source.NewFile(p, []byte(src)), Format: migration.FormatRails,
		Version: version, Name: name, Transactional: true}
}

// translateAll translates sources in order (each a whole migration
// file) and returns every translation.
func translateAll(t *testing.T, srcs ...string) []migration.Translation {
	t.Helper()
	var ms []*migration.Migration
	for i, s := range srcs {
		ms = append(ms, newMigration(fmt.Sprintf("2024010100%04d", i), fmt.Sprintf("step_%d", i), s))
	}
	return New().Translate(ms, migration.TranslateOptions{})
}

// opsFromSQL is what our SQL path makes of the statements Rails runs.
func opsFromSQL(t *testing.T, sql string, transactional bool) []ops.Op {
	t.Helper()
	res := sqlparse.Parse(source.NewFile("expected.sql", []byte(sql)))
	for _, e := range res.Errors {
		t.Fatalf("expected SQL does not parse: %v", e)
	}
	return ops.FromStatements(res.Statements, ops.Options{Transactional: transactional})
}

// sqlCase is a migration and the SQL the Rails it targets runs for it.
type sqlCase struct {
	name string
	// before are earlier migrations whose state the last one sees.
	before []string
	src    string
	sql    string
	// notx is set for migrations with disable_ddl_transaction!.
	notx bool
}

func runSQLCases(t *testing.T, cases []sqlCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			trs := translateAll(t, append(append([]string(nil), tc.before...), tc.src)...)
			last := trs[len(trs)-1]
			for _, n := range last.Notes {
				t.Errorf("unexpected note %s at %d:%d: %s", n.Kind, n.Span.Start.Line, n.Span.Start.Column, n.Message)
			}
			if last.Migration.Transactional == tc.notx {
				t.Errorf("Transactional = %v, want %v", last.Migration.Transactional, !tc.notx)
			}
			want := opsFromSQL(t, tc.sql, !tc.notx)
			if diff := cmp.Diff(normalise(want), normalise(last.Ops), opCmp...); diff != "" {
				t.Errorf("ops differ from the SQL Rails runs (-sql +translation):\n%s", diff)
			}
			// Translation.SQL means what the SQL Rails runs means.
			if diff := cmp.Diff(normalise(want), normalise(sentOps(t, last.SQL, last.Migration.Transactional)), opCmp...); diff != "" {
				var texts []string
				for _, s := range last.SQL {
					texts = append(texts, s.Text)
				}
				t.Errorf("ops of Translation.SQL differ from the SQL Rails runs (-sql +Translation.SQL):\n%s\nTranslation.SQL:\n%s", diff, strings.Join(texts, ";\n"))
			}
		})
	}
}

// class wraps a change method body in a migration class.
func class(version, body string) string {
	return "class StepMigration < ActiveRecord::Migration[" + version + "]\n  def change\n" + indent(body, "    ") + "  end\nend\n"
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = by + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
