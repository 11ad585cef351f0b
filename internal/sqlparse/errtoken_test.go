package sqlparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
)

// A syntax error underlines the token the parser stopped at.
func TestSyntaxErrorToken(t *testing.T) {
	cases := []struct {
		name, text string
		want       string // the text of the span
	}{
		{"keyword", "SELECT 1;\nALTER TABLE users ADD COLUMN nick text PRIMARY KEYS;\n", "KEYS"},
		{"misspelt statement", "CRATE TABLE t (id int);", "CRATE"},
		{"end of input", "CREATE TABLE t (id int", "int"},
		{"after multi-byte text", "COMMENT ON TABLE t IS 'naïve 🚀' WITH x;", "WITH"},
		{"unterminated string", "SELECT 1;\nSELECT 'abc\nFROM t;", "'abc"},
		{"missing name", "ALTER TABLE;", "TABLE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := source.NewFile("m.sql", []byte(c.text))
			res := Parse(f)
			if len(res.Errors) != 1 {
				t.Fatalf("errors %v", res.Errors)
			}
			sp := res.Errors[0].Token(f)
			if diff := cmp.Diff(c.want, string(f.Text[sp.Start.Offset:sp.End.Offset])); diff != "" {
				t.Errorf("token (-want +got):\n%s", diff)
			}
		})
	}
}
