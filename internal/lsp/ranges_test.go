package lsp_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/lsp"
)

// Every diagnostic underlines something: a syntax error the token the
// parser stopped at, a finding about the whole file its first line.
func TestDiagnosticsHaveWidth(t *testing.T) {
	cases := []struct {
		name, file, text string
		want             map[string]string // rule -> the text its range covers
	}{
		{
			name: "syntax error in the middle",
			file: "db/migrations/001_x.sql",
			text: "-- naïve 🚀\nALTER TABLE users ADD COLUMN nick text PRIMARY KEYS;\n",
			want: map[string]string{"syntax-error": "KEYS"},
		},
		{
			name: "syntax error at the end of the input",
			file: "db/migrations/001_x.sql",
			text: "SELECT '🚀';\nCREATE TABLE t (id int\n",
			want: map[string]string{"syntax-error": "int"},
		},
		{
			name: "a file Flyway does not run",
			file: "db/migration/cleanup_notes.sql",
			text: "DELETE FROM notes;\n",
			want: map[string]string{"migration-format": "DELETE FROM notes;"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.name == "a file Flyway does not run" {
				writeFile(t, filepath.Join(root, "db/migration/V1__init.sql"), "CREATE TABLE notes (id int);\n")
				writeFile(t, filepath.Join(root, "schemagate.yaml"), "migrations:\n  - dir: db/migration\n    format: flyway\n")
				writeFile(t, filepath.Join(root, tc.file), tc.text)
			}
			c := startServer(t, lsp.Options{})
			c.initialize(root, editorCaps(), nil)
			uri := c.open(filepath.Join(root, tc.file), tc.text)
			diags := c.waitVersion(uri, 1).Diagnostics
			got := map[string]string{}
			for _, d := range diags {
				if d.Range.Start == d.Range.End {
					t.Errorf("%s has no width: %+v", d.Code, d.Range)
				}
				if _, ok := tc.want[d.Code]; ok {
					got[d.Code] = tc.text[byteOffset(tc.text, d.Range.Start):byteOffset(tc.text, d.Range.End)]
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ranges (-want +got):\n%s\ndiagnostics: %v", diff, codes(diags))
			}
			c.shutdown()
		})
	}
}
