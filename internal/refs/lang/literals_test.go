package lang

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
)

// found is what a test compares of a Literal.
type found struct {
	Line, Column int
	Text         string
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func literalsOf(t testing.TB, path string, src []byte) []Literal {
	t.Helper()
	lang := Detect(path)
	if lang == "" {
		t.Fatalf("Detect(%q) = \"\"", path)
	}
	lits, err := Literals(lang, path, src)
	if err != nil {
		t.Fatalf("Literals(%s): %v", path, err)
	}
	return lits
}

func summarise(lits []Literal) []found {
	var out []found
	for _, l := range lits {
		out = append(out, found{l.Line, l.Column, l.Text})
	}
	return out
}

func TestLiterals(t *testing.T) {
	tests := []struct {
		file string
		want []found
	}{
		{"user_report.rb", []found{
			{5, 17, "SELECT status, count(*) FROM users GROUP BY status"},
			// <<~ removes the six spaces of the least indented line.
			{14, 7, "SELECT u.id, u.email, p.plan_name\n  FROM users u\n  JOIN plans p ON p.id = u.plan_id\n WHERE u.org_id = $2\n   AND u.last_seen_at > $1\n"},
			// <<- keeps the indentation.
			{24, 1, "      UPDATE users SET archived_at = now()\n      WHERE id IN ($1)\n"},
			{31, 1, "select email from legacy_users where deleted = false\n"},
			{36, 20, "DELETE FROM audit_events WHERE created_at < now() - interval '90 days'\tAND org_id = $1"},
			{37, 20, "INSERT INTO purges (org_id, table_name) VALUES ($1, 'audit_events')"},
			// Adjacent literals joined across line continuations.
			{41, 12, "SELECT plan_id, count(*) FROM users WHERE org_id = ? GROUP BY plan_id"},
			{50, 16, "SELECT id FROM users WHERE name = 'O''Brien' AND note = '(x)'"},
			{51, 15, "SELECT id FROM users WHERE name = 'O''Brien'"},
			{52, 16, "SELECT id FROM teams WHERE slug = '$1'"},
		}},
		{"reports.py", []found{
			{4, 17, "\n    SELECT u.id, u.email\n      FROM accounts_user u\n     WHERE u.is_active AND u.org_id = $1\n"},
			// Implicit concatenation with a comment in between.
			{19, 10, "SELECT plan_id, count(*) FROM billing_subscription WHERE org_id = $1 GROUP BY plan_id"},
			{24, 19, "SELECT id, name FROM $1 WHERE org_id = $2 AND name LIKE '{a}%'"},
			{25, 18, "UPDATE billing_subscription SET renewed_at = now() WHERE id = $1 AND note <> '100%'"},
			{26, 19, `DELETE FROM audit_log WHERE message ~ '\d+\n'`},
			{27, 18, "INSERT INTO audit_log (message) VALUES ('café \\N{BULLET}\n')"},
			{28, 18, "SELECT $1 FROM accounts_user WHERE id = {1}"},
			{29, 18, "DELETE FROM sessions WHERE user_id = $1 AND expired"},
		}},
		{"orders.ts", []found{
			{11, 6, "SELECT o.id, o.total\n       FROM orders o\n      WHERE o.customer_id = $1\n        AND o.created_at > now() - interval '30 days'"},
			{21, 7, "UPDATE orders SET status = 'cancelled', reason = $1 WHERE id = $2"},
			{24, 13, `DELETE FROM order_drafts WHERE owner_id = '$1' AND note = E'it\'s é'`},
			{25, 13, "INSERT INTO order_events (kind) VALUES ('purged')"},
			{29, 23, "\n  WITH totals AS (\n    SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id\n  )\n  SELECT * FROM totals WHERE total > $1 -- `vip`\n"},
		}},
		{"OrderDao.java", []found{
			{9, 10, "SELECT id, total, status FROM orders WHERE customer_id = ?"},
			// Text block: incidental indentation goes, "\<newline>" joins lines.
			{14, 9, "SELECT date_trunc('month', created_at) AS month, sum(total)\n  FROM orders\n WHERE status <> 'cancelled' GROUP BY 1\n"},
			{27, 60, "UPDATE orders SET status = 'cancelled'\tWHERE id = ?"},
			{34, 31, "INSERT INTO $1_archive SELECT * FROM $2 WHERE status = '$3'"},
			{39, 13, "DELETE FROM order_events WHERE note = 'café'"},
		}},
		{"queries.sql.go", []found{
			{12, 18, "-- name: GetUser :one\nSELECT id, email, name FROM users\nWHERE id = $1 LIMIT 1\n"},
			{24, 26, "-- name: UpdateUserEmail :exec\nUPDATE users SET email = $2 WHERE id = $1\n"},
		}},
		{"store.go", []found{
			{11, 22, "SELECT id, email, created_at FROM users"},
			{13, 24, "SELECT $1 FROM $2 WHERE org_id = $3 AND note LIKE '100%'"},
			// A constant concatenated where it is used.
			{16, 18, "SELECT id, email, created_at FROM users WHERE id = $1"},
			{24, 33, "UPDATE $2 SET name = $1\tWHERE id = $3"},
			{30, 19, "DELETE FROM sessions WHERE user_id IN ($1)"},
			{32, 20, "INSERT INTO audit (note) VALUES ('café A');"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			lits := literalsOf(t, tt.file, src)
			if diff := cmp.Diff(tt.want, summarise(lits)); diff != "" {
				t.Errorf("literals (-want +got):\n%s", diff)
			}
			checkMap(t, src, lits)
		})
	}
}

var wordRE = regexp.MustCompile(`[A-Za-z_]{3,}`)

// checkMap verifies the map of every literal against its file: pieces
// are ordered and in bounds, copied runs equal their source bytes, every
// word of the text is found at its mapped file offset (unless it came
// from an escape), and Line/Column are the position of Offset.
func checkMap(t *testing.T, src []byte, lits []Literal) {
	t.Helper()
	f := source.NewFile("", src)
	for _, l := range lits {
		if p := f.Pos(l.Offset); p.Line != l.Line || p.Column != l.Column {
			t.Errorf("%q: Line:Column %d:%d, Offset is at %d:%d", l.Text, l.Line, l.Column, p.Line, p.Column)
		}
		end := 0
		for _, p := range l.Map {
			if p.Text < end || p.Len < 1 || p.Text+p.Len > len(l.Text) || p.File < 0 || p.File+p.Len > len(src) {
				t.Fatalf("%q: bad piece %+v after text offset %d", l.Text, p, end)
			}
			end = p.Text + p.Len
			if p.Len > 1 && l.Text[p.Text:end] != string(src[p.File:p.File+p.Len]) {
				t.Errorf("%q: piece %+v copies %q from %q", l.Text, p, l.Text[p.Text:end], src[p.File:p.File+p.Len])
			}
		}
		for _, m := range wordRE.FindAllStringIndex(l.Text, -1) {
			word := l.Text[m[0]:m[1]]
			off := l.FileOffset(m[0])
			if !strings.HasPrefix(string(src[off:]), word) && !strings.HasPrefix(string(src[off:]), `\`) {
				t.Errorf("%q: word %q maps to %q", l.Text, word, src[off:min(len(src), off+len(word))])
			}
		}
	}
}

// TestMapPositions checks where offsets inside heredocs, text blocks and
// after escapes land in the file, as a reference's position would.
func TestMapPositions(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		literal   string // a prefix of the literal's text
		token     string // its first occurrence in the text is mapped
		line, col int
	}{
		{"ruby squiggly heredoc", "user_report.rb", "SELECT u.id", "plans", 16, 14},
		{"ruby heredoc line after interpolation", "user_report.rb", "SELECT u.id", "last_seen_at", 18, 16},
		{"ruby interpolation placeholder", "user_report.rb", "SELECT u.id", "$2", 17, 25},
		{"ruby after escape", "user_report.rb", "DELETE FROM audit_events", "AND", 36, 92},
		{"python after %s", "reports.py", "UPDATE billing", "renewed_at", 25, 50},
		{"python after decoded escape", "reports.py", "INSERT INTO audit_log", `\N`, 27, 67},
		{"java text block after line continuation", "OrderDao.java", "SELECT date_trunc", "GROUP", 17, 9},
		{"java after escape", "OrderDao.java", "UPDATE orders", "WHERE", 27, 100},
		{"java text block on one line", "OrderDao.java", "DELETE FROM order_events", "'caf", 39, 51},
		{"typescript after escaped backtick", "orders.ts", "\n  WITH totals", "vip", 33, 50},
		{"typescript after concatenation", "orders.ts", "DELETE FROM order_drafts", "AND", 24, 73},
		{"go after escape", "store.go", "UPDATE $2", "WHERE", 24, 58},
		{"go constant maps to its declaration", "store.go", "SELECT id, email, created_at FROM users WHERE", "users", 11, 54},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := readTestdata(t, tt.file)
			f := source.NewFile(tt.file, src)
			for _, l := range literalsOf(t, tt.file, src) {
				if !strings.HasPrefix(l.Text, tt.literal) {
					continue
				}
				i := strings.Index(l.Text, tt.token)
				if i < 0 {
					t.Fatalf("%q not in %q", tt.token, l.Text)
				}
				p := f.Pos(l.FileOffset(i))
				if diff := cmp.Diff([2]int{tt.line, tt.col}, [2]int{p.Line, p.Column}); diff != "" {
					t.Errorf("position of %q (-want +got):\n%s", tt.token, diff)
				}
				return
			}
			t.Fatalf("no literal starts with %q", tt.literal)
		})
	}
}

// TestLiteralsInline covers spellings one at a time.
func TestLiteralsInline(t *testing.T) {
	tests := []struct {
		name, path, src string
		want            []found
	}{
		{"ruby single-quoted heredoc keeps #{} and escapes", "a.rb",
			"x = <<~'SQL'\n  SELECT '#{a}\\n' FROM t\nSQL\n",
			[]found{{2, 3, "SELECT '#{a}\\n' FROM t\n"}}},
		{"ruby two heredocs opened on one line", "a.rb",
			"run(<<~A, <<-B) # both\n    SELECT 1 FROM a\nA\n  SELECT 2 FROM b\n  B\n",
			[]found{{2, 5, "SELECT 1 FROM a\n"}, {4, 1, "  SELECT 2 FROM b\n"}}},
		{"ruby squiggly heredoc with a tab", "a.rb",
			"q = <<~SQL\n\tSELECT a\n\t  FROM t\nSQL\n",
			[]found{{2, 2, "SELECT a\n  FROM t\n"}}},
		{"ruby + of literal and call", "a.rb",
			`q = "SELECT * FROM " + table_name + " WHERE id = 1"`,
			[]found{{1, 6, "SELECT * FROM $1 WHERE id = 1"}}},
		{"ruby interpolation before existing parameters", "a.rb",
			`q = "UPDATE t SET a = $1 WHERE #{cond}"`,
			[]found{{1, 6, "UPDATE t SET a = $1 WHERE $2"}}},
		{"ruby %w is not a string", "a.rb", "x = %w[select from]\n", nil},
		{"python bytes skipped, str kept", "a.py",
			"a = b'SELECT 1 FROM t'\nb = u'SELECT 2 FROM t'\n",
			[]found{{2, 7, "SELECT 2 FROM t"}}},
		{"python % operator", "a.py",
			"q = 'DELETE FROM %s WHERE id = %d' % (table, 1)\n",
			[]found{{1, 6, "DELETE FROM $1 WHERE id = $2"}}},
		{"python no parameters keeps %%", "a.py",
			"q = \"SELECT a FROM t WHERE b LIKE 'x%%'\"\n",
			[]found{{1, 6, "SELECT a FROM t WHERE b LIKE 'x%%'"}}},
		{"python parenthesised + concatenation", "a.py",
			"q = (\"SELECT a \"\n     + \"FROM t\")\n",
			[]found{{1, 7, "SELECT a FROM t"}}},
		{"javascript escapes", "a.js",
			`q = "SELECT a FROM t WHERE b = '\x41\u{1F600}\0'"`,
			[]found{{1, 6, "SELECT a FROM t WHERE b = 'A😀'"}}},
		{"javascript SQL nested in a substitution", "a.js",
			"q = `SELECT * FROM t WHERE id IN (${ids.length ? `SELECT id FROM u` : 'NULL'})`",
			[]found{{1, 6, "SELECT * FROM t WHERE id IN ($1)"}, {1, 51, "SELECT id FROM u"}}},
		{"tsx file", "a.tsx",
			"const C = () => <div>{run(`SELECT a FROM t WHERE id = ${id}`)}</div>;\n",
			[]found{{1, 28, "SELECT a FROM t WHERE id = $1"}}},
		{"java formatted", "A.java",
			"class A { String q = \"DELETE FROM %s WHERE n = '%%'\".formatted(t); }",
			[]found{{1, 23, "DELETE FROM $1 WHERE n = '%'"}}},
		{"java printf directive not in a format call", "A.java",
			"class A { String q = \"DELETE FROM t WHERE n LIKE '%s'\"; }",
			[]found{{1, 23, "DELETE FROM t WHERE n LIKE '%s'"}}},
		{"go raw string drops carriage returns", "a.go",
			"package a\n\nconst q = `SELECT a\r\nFROM t`\n",
			[]found{{3, 12, "SELECT a\nFROM t"}}},
		{"go const of consts", "a.go",
			"package a\n\nconst (\n\tcols = \"a, b\"\n\tfrom = \" FROM t\"\n\tq = \"SELECT \" + cols + from\n)\n",
			[]found{{6, 7, "SELECT a, b FROM t"}}},
		{"go Sprintf template constant", "a.go",
			"package a\n\nimport \"fmt\"\n\nconst tmpl = \"SELECT %s FROM t WHERE a = %q\"\n\nvar q = fmt.Sprintf(tmpl, \"a\", \"b\")\n",
			[]found{{5, 15, "SELECT $1 FROM t WHERE a = $2"}}},
		{"go constant cycle in broken code", "a.go",
			"package a\n\nvar q = \"SELECT y \" + a\n\nconst a = b + \" FROM t\"\nconst b = a + \"SELECT x\"\n",
			[]found{{3, 10, "SELECT y $1SELECT x FROM t"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			lits := literalsOf(t, tt.path, src)
			if diff := cmp.Diff(tt.want, summarise(lits)); diff != "" {
				t.Errorf("literals (-want +got):\n%s", diff)
			}
			checkMap(t, src, lits)
		})
	}
}

// TestLiteralsRejected: prose, fragments and code that only looks like
// SQL yield nothing.
func TestLiteralsRejected(t *testing.T) {
	tests := []struct{ path, src string }{
		{"a.rb", `flash[:alert] = "Select a user from the list."` + "\n" + `User.where("email = ? AND deleted_at IS NULL", e)`},
		{"a.rb", "def update\n  @user.update(params)\n  set_flash\nend\n# select the rows from the table\n"},
		{"a.py", "def delete(self):\n    '''Delete from the cache and update the set.'''\n    self.cache.delete(self.key)\n"},
		{"a.js", "const xs = Array.from(ys).select(x => x);\ndelete obj.update;\nconst msg = 'Update your settings.';\n"},
		{"A.java", "class A { String m = \"Could not update the record: set a value first!\"; }"},
		{"a.go", "package a\n\n// select rows from t\nvar msg = \"Select a row from the table.\"\n"},
	}
	for _, tt := range tests {
		lits := literalsOf(t, tt.path, []byte(tt.src))
		if len(lits) != 0 {
			t.Errorf("%s %q: got %v, want none", tt.path, tt.src, summarise(lits))
		}
	}
}

// TestLiteralsBrokenFiles: a file the parser cannot fully read still
// yields the literals of the parts it could, and never panics.
func TestLiteralsBrokenFiles(t *testing.T) {
	tests := []struct {
		path, src string
		want      []string
	}{
		{"a.rb", "class Broken\n  def ok\n    execute(\"SELECT id FROM users\")\n  end\n\n  def broken(\n    x = [1, 2,\n    execute(\"UPDATE teams SET name = 'x'\")\n  end\n\n  def later\n    execute(<<~SQL)\n      DELETE FROM sessions\n    SQL\n  end\n",
			[]string{"SELECT id FROM users", "UPDATE teams SET name = 'x'", "DELETE FROM sessions\n"}},
		{"a.py", "def f(:\n    cur.execute(\"SELECT a FROM t\")\nclass\n    x = 'DELETE FROM u'\n",
			[]string{"SELECT a FROM t", "DELETE FROM u"}},
		{"a.ts", "function f( { return `SELECT a FROM t` }\nconst q = 'DELETE FROM u' +;\n",
			[]string{"SELECT a FROM t", "DELETE FROM u"}},
		{"A.java", "class A { void f( { String q = \"SELECT a FROM t\"; } String r = \"DELETE FROM u\" }",
			[]string{"SELECT a FROM t", "DELETE FROM u"}},
		{"a.go", "package a\n\nfunc f( {\n\tq := \"SELECT a FROM t\"\n}\n\nvar r = \"DELETE FROM u\"\n",
			[]string{"SELECT a FROM t", "DELETE FROM u"}},
		{"a.rb", "q = \"SELECT a FROM t WHERE x = 1", nil},
	}
	for _, tt := range tests {
		lits, err := Literals(Detect(tt.path), tt.path, []byte(tt.src))
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
		}
		var got []string
		for _, l := range lits {
			got = append(got, l.Text)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s %q (-want +got):\n%s", tt.path, tt.src, diff)
		}
	}
}

// TestLiteralsTruncated cuts every test file at many points: whatever
// the parser makes of the rest, reading it must not fail or panic, and
// the map must stay consistent.
func TestLiteralsTruncated(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, path := range files {
		src := readTestdata(t, filepath.Base(path))
		step := max(1, len(src)/23)
		for cut := 0; cut <= len(src); cut += step {
			part := append([]byte(nil), src[:cut]...)
			lits, err := Literals(Detect(path), path, part)
			if err != nil && Detect(path) != Go {
				t.Errorf("%s cut at %d: %v", path, cut, err)
			}
			checkMap(t, part, lits)
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no test files")
	}
}
