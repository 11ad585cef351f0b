package lang

import (
	"bytes"
	"fmt"
	"testing"
)

// benchFile generates a source file of about n methods in lang. With sql,
// every method sends a query (the worst case: every file is parsed);
// without, it is ordinary code whose words (update, delete, select) the
// byte pre-filter must see through.
func benchFile(lang Language, n int, sql bool) (path string, src []byte, lines int) {
	var b bytes.Buffer
	q := func(i int) string {
		if sql {
			return fmt.Sprintf("SELECT id, name FROM users_%d WHERE org_id = ", i)
		}
		return fmt.Sprintf("Could not update record %d, please retry: ", i)
	}
	switch lang {
	case Go:
		path = "gen.go"
		b.WriteString("package gen\n\nimport \"fmt\"\n\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "func (s *Store) Update%d(ctx context.Context, id int64) error {\n\trows, err := s.db.QueryContext(ctx, %q+\"$1\", id)\n\tif err != nil {\n\t\treturn fmt.Errorf(\"delete %d: %%w\", err)\n\t}\n\tdefer rows.Close()\n\treturn s.cache.Delete(id)\n}\n\n", i, q(i), i)
		}
	case Ruby:
		path = "gen.rb"
		b.WriteString("class Gen\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "  def update_%d(user, opts = {})\n    rows = connection.select_all(\"%s#{user.id}\")\n    rows.each do |r|\n      puts r[\"name\"] if r[\"id\"] > %d\n    end\n    @cache.delete(:k%d) || compute(:y)\n  end\n\n", i, q(i), i, i)
		}
		b.WriteString("end\n")
	case Python:
		path = "gen.py"
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "def update_%d(cur, user, opts=None):\n    cur.execute(\"%s%%s\", (user.id,))\n    for r in cur.fetchall():\n        if r[\"id\"] > %d:\n            print(r[\"name\"])\n    cache.delete(\"k%d\") or compute(\"y\")\n\n", i, q(i), i, i)
		}
	case JavaScript, TypeScript:
		path = "gen.js"
		if lang == TypeScript {
			path = "gen.ts"
		}
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "export async function update%d(db, user, opts = {}) {\n  const rows = await db.query(`%s${user.id}`);\n  for (const r of rows) {\n    if (r.id > %d) console.log(r.name);\n  }\n  cache.delete(\"k%d\") || compute(\"y\");\n}\n\n", i, q(i), i, i)
		}
	case Java:
		path = "Gen.java"
		b.WriteString("class Gen {\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "  public List<String> update%d(Connection c, User user) throws SQLException {\n    PreparedStatement ps = c.prepareStatement(\"%s?\");\n    for (Row r : rows(ps)) {\n      if (r.id > %d) System.out.println(r.name);\n    }\n    cache.delete(\"k%d\");\n    return null;\n  }\n\n", i, q(i), i, i)
		}
		b.WriteString("}\n")
	}
	return path, b.Bytes(), bytes.Count(b.Bytes(), []byte("\n"))
}

func TestBenchFiles(t *testing.T) {
	// The generated files are read as intended: one literal per method
	// with SQL, none without.
	for _, lang := range []Language{Go, Ruby, Python, JavaScript, TypeScript, Java} {
		for _, sql := range []bool{true, false} {
			path, src, _ := benchFile(lang, 50, sql)
			lits := literalsOf(t, path, src)
			want := 0
			if sql {
				want = 50
			}
			if len(lits) != want {
				t.Errorf("%s sql=%v: %d literals, want %d", lang, sql, len(lits), want)
			}
		}
	}
}

func BenchmarkLiterals(b *testing.B) {
	for _, lang := range []Language{Go, Ruby, Python, JavaScript, TypeScript, Java} {
		for _, sql := range []bool{true, false} {
			name := string(lang) + "/sql"
			if !sql {
				name = string(lang) + "/nosql"
			}
			path, src, lines := benchFile(lang, 1000, sql)
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				for b.Loop() {
					if _, err := Literals(lang, path, src); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
			})
		}
	}
}
