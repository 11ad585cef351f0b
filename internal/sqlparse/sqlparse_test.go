package sqlparse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
)

type stmtPos struct {
	Text               string
	Line, Col, EndLine int
	EndCol             int
}

func positions(r Result) []stmtPos {
	var out []stmtPos
	for _, s := range r.Statements {
		out = append(out, stmtPos{s.Text, s.Span.Start.Line, s.Span.Start.Column, s.Span.End.Line, s.Span.End.Column})
	}
	return out
}

func TestParseSpans(t *testing.T) {
	src := "-- header\nCREATE TABLE t (id int);\n\n/* c */ ALTER TABLE t\n  ADD COLUMN é text;\nSELECT 1"
	r := Parse(source.NewFile("a.sql", []byte(src)))
	want := []stmtPos{
		{"CREATE TABLE t (id int)", 2, 1, 2, 24},
		{"ALTER TABLE t\n  ADD COLUMN é text", 4, 9, 5, 20},
		{"SELECT 1", 6, 1, 6, 9},
	}
	if diff := cmp.Diff(want, positions(r)); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	if len(r.Errors) != 0 {
		t.Errorf("unexpected errors: %v", r.Errors)
	}
}

func TestSyntaxErrorKeepsOtherStatements(t *testing.T) {
	src := "CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMNN x int;\n-- 'é'\nCREATE TABLE b (é int, 'x);\nDROP TABLE c;\n"
	r := Parse(source.NewFile("a.sql", []byte(src)))
	var texts []string
	for _, s := range r.Statements {
		texts = append(texts, s.Text)
	}
	if diff := cmp.Diff([]string{"CREATE TABLE a (id int)"}, texts); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	type errPos struct {
		Msg       string
		Line, Col int
	}
	var got []errPos
	for _, e := range r.Errors {
		got = append(got, errPos{e.Message, e.Pos.Line, e.Pos.Column})
	}
	want := []errPos{
		{`syntax error at or near "int"`, 2, 29},
		{"unterminated quoted string at or near \"'x);\nDROP TABLE c;\n\"", 4, 24},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestUnterminatedQuote(t *testing.T) {
	src := "CREATE TABLE a (id int);\nSELECT 'oops;\nDROP TABLE b;\n"
	r := Parse(source.NewFile("a.sql", []byte(src)))
	if len(r.Statements) != 1 || r.Statements[0].Text != "CREATE TABLE a (id int)" {
		t.Errorf("statements = %+v", positions(r))
	}
	if len(r.Errors) != 1 || r.Errors[0].Pos.Line != 2 {
		t.Fatalf("errors = %v", r.Errors)
	}
}

func TestSemicolonsInsideQuotesDoNotSplit(t *testing.T) {
	src := "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT ';' FROM nowhere WHERE;\n"
	r := Parse(source.NewFile("a.sql", []byte(src)))
	if len(r.Statements) != 1 {
		t.Errorf("statements = %+v", positions(r))
	}
	if len(r.Errors) != 1 || r.Errors[0].Pos.Line != 2 {
		t.Errorf("errors = %v", r.Errors)
	}
}

func TestParseRegionOffsets(t *testing.T) {
	src := "-- +goose Up\nALTER TABLE t DROP COLUMN x;\n-- +goose Down\nALTER TABLE t ADD COLUMN x int;\n"
	f := source.NewFile("m.sql", []byte(src))
	r := ParseRegion(f, 0, 42)
	if diff := cmp.Diff([]stmtPos{{"ALTER TABLE t DROP COLUMN x", 2, 1, 2, 28}}, positions(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// An escape that makes invalid UTF-8 once sent PostgreSQL's scanner, and
// the recovery that split around it, into endless recursion.
func TestParseBadEscapeTerminates(t *testing.T) {
	r := Parse(source.NewFile("a.sql", []byte("SELECT E'\\\xce\xce;';\nSELECT 2;")))
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "invalid byte sequence") {
		t.Errorf("errors = %v, want one invalid byte sequence", r.Errors)
	}
	if diff := cmp.Diff([]stmtPos{{"SELECT 2", 2, 1, 2, 9}}, positions(r)); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
}

// A statement past the depth bound is refused before it reaches the C
// parser (25,000 chained terms overflowed its stack and killed the
// process); one between 5,000 and 20,000 terms is valid SQL that was
// reported as a syntax error. Neither hides the next statement.
func TestParseTooDeep(t *testing.T) {
	for _, terms := range []int{6000, 25000} {
		src := "SELECT 1" + strings.Repeat("+1", terms) + ";\nSELECT 2;"
		r := Parse(source.NewFile("deep.sql", []byte(src)))
		if len(r.Errors) != 1 {
			t.Fatalf("%d terms: errors = %v, want one", terms, r.Errors)
		}
		e := r.Errors[0]
		want := fmt.Sprintf("statement nests %d levels deep; schemagate reads at most %d", terms, MaxDepth())
		if !e.TooComplex || !strings.HasPrefix(e.Message, want) || e.Span.Start.Line != 1 {
			t.Errorf("%d terms: error = %+v, want a too-complex error starting %q on line 1", terms, e, want)
		}
		if diff := cmp.Diff([]stmtPos{{"SELECT 2", 2, 1, 2, 9}}, positions(r)); diff != "" {
			t.Errorf("%d terms: statements (-want +got):\n%s", terms, diff)
		}
	}
}

// Within the bound, deep statements parse: the protobuf decoder's own
// limit (10,000 nested messages, 5,000 chained terms) no longer applies.
func TestParseDeepWithinBound(t *testing.T) {
	src := "SELECT 1" + strings.Repeat("+1", MaxDepth()-1) + ";"
	r := Parse(source.NewFile("deep.sql", []byte(src)))
	if len(r.Errors) != 0 || len(r.Statements) != 1 {
		t.Errorf("errors %v, %d statements; want none and 1", r.Errors, len(r.Statements))
	}
}

// PostgreSQL's own grammar stack gives up on deep nesting ("memory
// exhausted"): that is the same refusal, said so, not a syntax error.
func TestParseGrammarStackExhausted(t *testing.T) {
	src := "SELECT " + strings.Repeat("ROW(1,", 3000) + "1" + strings.Repeat(")", 3000) + ";"
	if d := Depth(src); d > MaxDepth() {
		t.Fatalf("Depth = %d, want it within %d for this test", d, MaxDepth())
	}
	r := Parse(source.NewFile("rows.sql", []byte(src)))
	if len(r.Errors) != 1 || !r.Errors[0].TooComplex || !strings.Contains(r.Errors[0].Message, "memory exhausted") {
		t.Errorf("errors = %+v, want one too-complex error from PostgreSQL's grammar", r.Errors)
	}
}

func TestDepth(t *testing.T) {
	cases := []struct {
		sql  string
		want int
	}{
		{"SELECT 1", 0},
		{"SELECT 1 + 2 * 3", 2},
		{"SELECT a, b, c FROM t WHERE a = 1 AND b = 2 OR c = 3", 1},
		{"SELECT ((1))", 2},
		{"SELECT (SELECT (SELECT 1))", 6},
		{"SELECT CASE WHEN a = 1 THEN b + 1 ELSE c END", 4},
		{"SELECT 1 UNION SELECT 2, 3 UNION SELECT 4, 5", 2},
		{"SELECT * FROM a JOIN b ON a.x = b.x JOIN c ON true", 4},
		{"SELECT NOT NOT true", 2},
		{"SELECT 1::int::text", 2},
		{"SELECT 1 + 1; SELECT 2", 1},
		{"INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')", 1},
		{"SELECT 'a + b + c' -- + + +\n", 0},
	}
	for _, c := range cases {
		if got := Depth(c.sql); got != c.want {
			t.Errorf("Depth(%q) = %d, want %d", c.sql, got, c.want)
		}
	}
}
