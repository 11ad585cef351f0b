package rails

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/nesting"
)

// A migration nested past nesting.MaxRuby is refused before tree-sitter
// parses it; one at the bound translates; the other files keep theirs.
func TestNestingBound(t *testing.T) {
	// execute( is one level.
	execute := func(levels int) string {
		n := levels - 1
		return "execute(" + strings.Repeat("(", n) + "'SELECT 1'" + strings.Repeat(")", n) + ")\n"
	}
	deep := class("7.1", execute(nesting.MaxRuby+1))
	trs := translateAll(t,
		class("7.1", "create_table :users do |t|\n  t.string :name\nend\n"),
		class("7.1", execute(nesting.MaxRuby)),
		deep,
		class("7.1", "add_column :users, :note, :text\n"),
	)
	var got [][]string
	for _, tr := range trs {
		var lines []string
		for _, s := range tr.SQL {
			lines = append(lines, s.Text)
		}
		for _, n := range tr.Notes {
			lines = append(lines, fmt.Sprintf("%d:%d %s: %s", n.Span.Start.Line, n.Span.Start.Column, n.Kind, n.Message))
		}
		got = append(got, lines)
	}
	at := strings.Index(deep, "execute(") + len("execute(") + nesting.MaxRuby - 1
	line := strings.Count(deep[:at], "\n") + 1
	col := at - strings.LastIndexByte(deep[:at], '\n')
	want := [][]string{
		{`CREATE TABLE "users" ("id" bigserial primary key, "name" character varying)`},
		{"SELECT 1"},
		{fmt.Sprintf("%d:%d statement-too-complex: brackets nest more than %d levels deep here; schemagate does not parse Ruby nested this deep (real code never is), and nothing in this file is checked", line, col, nesting.MaxRuby)},
		{`ALTER TABLE "users" ADD "note" text`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("translations (-want +got):\n%s", diff)
	}
}

// A chain of 100,000 + is 100,000 nodes deep without a bracket, so
// nesting.Ruby lets it through: the copy of its tree stops at maxDepth,
// the string is not evaluated (nothing overflows, nothing is quadratic),
// and the statement after it translates.
func TestDeepChain(t *testing.T) {
	const chain = 100000
	trs := translateAll(t, class("7.1", `execute("SELECT 1"`+strings.Repeat(` + " + 1"`, chain)+")\nadd_column :users, :note, :text\n"))
	var sql, notes []string
	for _, s := range trs[0].SQL {
		sql = append(sql, s.Text)
	}
	for _, n := range trs[0].Notes {
		notes = append(notes, string(n.Kind)+": "+strings.SplitN(n.Message, ":", 2)[0])
	}
	if diff := cmp.Diff([]string{`ALTER TABLE "users" ADD "note" text`}, sql); diff != "" {
		t.Errorf("SQL (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"unrecognised-migration-code: SQL built at run time is not checked"}, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}
