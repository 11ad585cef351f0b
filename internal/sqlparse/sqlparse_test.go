package sqlparse

import (
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
