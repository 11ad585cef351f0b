package lint

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
)

type supWant struct {
	Line  int
	Rules []string
	File  bool
}

func suppressionsOf(path, text string) []supWant {
	var out []supWant
	for _, s := range parseSuppressions(source.NewFile(path, []byte(text))) {
		out = append(out, supWant{s.line, s.rules, s.file})
	}
	return out
}

// Directives are read from comments of the file's language only: a
// string literal or a dollar-quoted body that holds one is data.
func TestSuppressionsAreComments(t *testing.T) {
	cases := []struct {
		name, path, text string
		want             []supWant
	}{
		{"sql line comment", "a.sql", "-- schemagate:ignore drop-column why\nALTER TABLE t DROP COLUMN c;", []supWant{{2, []string{"drop-column"}, false}}},
		{"sql block comment after code", "a.sql", "ALTER TABLE t DROP COLUMN c; /* schemagate:ignore drop-column why */", []supWant{{1, []string{"drop-column"}, false}}},
		{"sql string literal", "a.sql", "COMMENT ON TABLE t IS '-- schemagate:ignore-file drop-column';\nALTER TABLE t DROP COLUMN c;", nil},
		{"sql dollar quote", "a.sql", "SELECT $$ -- schemagate:ignore drop-column why $$; ALTER TABLE t DROP COLUMN c;", nil},
		{"sql comment after CR", "a.sql", "SELECT 1; -- x\rALTER TABLE t DROP COLUMN c; -- schemagate:ignore drop-column why", []supWant{{1, []string{"drop-column"}, false}}},
		{"prose mentioning it", "a.sql", "-- do not add schemagate:ignore drop-column here\nSELECT 1;", nil},
		{"python comment", "m.py", "# schemagate:ignore-file drop-column why\nop.drop_column('t', 'c')\n", []supWant{{1, []string{"drop-column"}, true}}},
		{"python string", "m.py", "op.execute(\"# schemagate:ignore-file drop-column why\")\nop.drop_column('t', 'c')\n", nil},
		{"python docstring", "m.py", "\"\"\"\n# schemagate:ignore-file drop-column why\n\"\"\"\nop.drop_column('t', 'c')\n", nil},
		{"ruby comment", "m.rb", "def change\n  remove_column :t, :c # schemagate:ignore drop-column why\nend\n", []supWant{{2, []string{"drop-column"}, false}}},
		{"ruby heredoc", "m.rb", "def change\n  execute <<~SQL\n    -- schemagate:ignore-file drop-column why\n  SQL\n  remove_column :t, :c\nend\n", nil},
		{"go comment", "m.go", "package m\n\n// schemagate:ignore-file drop-column why\nvar up = `ALTER TABLE t DROP COLUMN c`\n", []supWant{{3, []string{"drop-column"}, true}}},
		{"go raw string", "m.go", "package m\n\nvar up = `\n-- schemagate:ignore-file drop-column why\nALTER TABLE t DROP COLUMN c`\n", nil},
		{"typescript comment", "m.ts", "export async function up(knex) {\n  await knex.raw('ALTER TABLE t DROP COLUMN c'); // schemagate:ignore drop-column why\n}\n", []supWant{{2, []string{"drop-column"}, false}}},
		{"typescript string", "m.ts", "export async function up(knex) {\n  await knex.raw('ALTER TABLE t DROP COLUMN c; -- schemagate:ignore drop-column why');\n}\n", nil},
		{"ruby string", "m.rb", "def change\n  execute \"# schemagate:ignore-file drop-column why\"\n  remove_column :t, :c\nend\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, suppressionsOf(c.path, c.text)); diff != "" {
				t.Errorf("suppressions (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzSuppressions: reading directives never panics and finds only
// directives that sit in comments.
func FuzzSuppressions(f *testing.F) {
	for _, s := range []string{
		"-- schemagate:ignore drop-column why\nALTER TABLE t DROP COLUMN c;",
		"COMMENT ON TABLE t IS '-- schemagate:ignore-file drop-column';",
		"SELECT $$ -- schemagate:ignore drop-column $$; /* schemagate:ignore-file a,b */",
		"-- schemagate:ignore\r-- schemagate:ignore-file",
	} {
		f.Add("a.sql", s)
	}
	f.Add("m.py", "# schemagate:ignore-file drop-column why\nop.execute('# schemagate:ignore x')\n")
	f.Add("m.rb", "execute <<~SQL\n  -- schemagate:ignore x\nSQL\n# schemagate:ignore y z\n")
	f.Fuzz(func(t *testing.T, path, text string) {
		file := source.NewFile(path, []byte(text))
		cs := comments(file)
		for _, s := range parseSuppressions(file) {
			at := s.span.Start.Offset
			inComment := false
			for _, c := range cs {
				inComment = inComment || (at >= c.start && at < c.end)
			}
			if !inComment {
				t.Fatalf("%q: directive at %d is not inside a comment", text, at)
			}
		}
	})
}
