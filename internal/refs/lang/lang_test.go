package lang

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetect(t *testing.T) {
	tests := map[string]Language{
		"internal/store/users.go": Go,
		"app/models/user.rb":      Ruby,
		"lib/tasks/backfill.rake": Ruby,
		"billing/reports.py":      Python,
		"src/db.js":               JavaScript,
		"src/db.mjs":              JavaScript,
		"src/db.cjs":              JavaScript,
		"src/App.jsx":             JavaScript,
		"src/orders.ts":           TypeScript,
		"src/Orders.tsx":          TypeScript,
		"src/main/java/com/example/OrderDao.java": Java,
		"public/assets/app.min.js":                "",
		"dist/main.bundle.js":                     "",
		"static/js/2.chunk.js":                    "",
		"node_modules/pg/lib/client.js":           "",
		"vendor/github.com/lib/pq/conn.go":        "",
		"src/types/pg.d.ts":                       "",
		"db/structure.sql":                        "",
		"README.md":                               "",
		"Makefile":                                "",
	}
	for path, want := range tests {
		if got := Detect(path); got != want {
			t.Errorf("Detect(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestMaybeSQL(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"SELECT id FROM users", true},
		{"select id from users where id = $1", true},
		{"\n    SELECT u.id\n      FROM users u", true},
		{"-- name: GetUser :one\nSELECT id FROM users", true},
		{"/* app:web */ SELECT 1 FROM t", true},
		{"(SELECT a FROM t) UNION (SELECT b FROM u)", true},
		{"INSERT INTO users (email) VALUES ($1)", true},
		{"UPDATE ONLY users AS u SET email = $1", true},
		{"DELETE FROM sessions", true},
		{"WITH recent AS (SELECT 1) SELECT * FROM recent", true},
		{"WITH RECURSIVE t(n) AS (VALUES (1)) TABLE t", true},
		{"with x as materialized (values (1)) table x", true},
		{"EXPLAIN ANALYZE SELECT * FROM t", true},
		{"CREATE VIEW v AS SELECT a FROM t", true},
		{"SELECT 1", false},                                // no FROM: nothing to reference
		{"INSERT users VALUES (1)", false},                 // not INSERT INTO
		{"DELETE sessions", false},                         // not DELETE FROM
		{"UPDATE users", false},                            // no SET
		{"WITH x AS y", false},                             // no "("
		{"email = ? AND id IN (SELECT id FROM t)", false},  // a fragment
		{"Select a user from the list", false},             // prose: capitalised
		{"please select a user from the list", false},      // prose: no leading keyword
		{"select a user from the list.", false},            // prose: full stop
		{"Update failed: could not set the value!", false}, // prose
		{"insert into the box!", false},
		{"", false},
		{"-- only a comment", false},
		{"/* unterminated", false},
	}
	for _, tt := range tests {
		if got := MaybeSQL(tt.text); got != tt.want {
			t.Errorf("MaybeSQL(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSQLHits(t *testing.T) {
	tests := []struct {
		src  string
		want []int
	}{
		{`q = "SELECT a FROM t"`, []int{5}},
		{`q = "select a " + "from t"`, []int{5}},
		{`db.exec("INSERT " + "INTO t VALUES (1)")`, []int{9}},
		{`x.update(a); set(b)`, nil},             // method call, call
		{`:select, from: 1, Array.from(x)`, nil}, // symbol, hash key, method
		{`selected from`, nil},                   // not the whole word
		{`SELECT(a) FROM t`, []int{0}},           // kept: SELECT( is SQL
		{`DELETE FROM t; update t set a = 1`, []int{0, 15}},
		{`delete obj.from`, nil},
		{"def update\n  Set.new(x)\nend", nil},                             // Set.new is code
		{"update = 1; f(update, set)", nil},                                // assignment, arguments
		{"SELECT a FROM (SELECT b FROM t) s", []int{0, 15}},                // FROM ( is SQL
		{"UPDATE t SET (a, b) = (1, 2)", []int{0}},                         // SET ( is SQL
		{"select(:id).from(x)", nil},                                       // .from is code
		{"DELETE\n  FROM t", []int{0}},                                     // partner on the next line
		{"SELECT a " + strings.Repeat("x ", selectWindow) + "FROM t", nil}, // too far apart
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, sqlHits([]byte(tt.src))); diff != "" {
			t.Errorf("sqlHits(%q) (-want +got):\n%s", tt.src, diff)
		}
	}
}

func TestFileOffset(t *testing.T) {
	// A Ruby literal "a\tb#{x}c" at file offset 10: "a" at 10, the
	// escape \t at 11-12, "b" at 13, the interpolation at 14-17, "c" at 18.
	var b builder
	src := []byte(`0123456789a\tb#{x}c"`)
	b.raw(10, src[10:11])
	b.esc(11, "\t")
	b.raw(13, src[13:14])
	b.hole(14)
	b.raw(18, src[18:19])
	lit := b.finish()
	if lit.Text != "a\tb$1c" {
		t.Fatalf("Text = %q", lit.Text)
	}
	wantMap := []Piece{{0, 10, 1}, {1, 11, 1}, {2, 13, 1}, {3, 14, 1}, {5, 18, 1}}
	if diff := cmp.Diff(wantMap, lit.Map); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
	for textOff, want := range []int{10, 11, 13, 14, 14, 18, 19} {
		if got := lit.FileOffset(textOff); got != want {
			t.Errorf("FileOffset(%d) = %d, want %d", textOff, got, want)
		}
	}
	if lit.Offset != 10 {
		t.Errorf("Offset = %d, want 10", lit.Offset)
	}
}

func TestTransformKeepsMap(t *testing.T) {
	// "SELECT %s FROM t WHERE a LIKE 'x%%' AND b = \u00e9" as Go source
	// at offset 0 (content from 1), templated by Sprintf.
	src := []byte(`"SELECT %s FROM t WHERE a LIKE 'x%%' AND b = \u00e9"`)
	var b builder
	decodeRange(&b, src, 1, len(src)-1, &textState{esc: goEscape})
	lit := b.transform(printfDirective(false)).finish()
	if want := "SELECT $1 FROM t WHERE a LIKE 'x%' AND b = é"; lit.Text != want {
		t.Fatalf("Text = %q, want %q", lit.Text, want)
	}
	for _, tc := range []struct {
		word string
		file int
	}{{"$1", 8}, {"FROM", 11}, {"'x%'", 31}, {"AND", 37}, {"é", 45}} {
		i := strings.Index(lit.Text, tc.word)
		if got := lit.FileOffset(i); got != tc.file {
			t.Errorf("FileOffset(%q at %d) = %d, want %d", tc.word, i, got, tc.file)
		}
	}
}

// TestLiteralsConcurrent reads the test files from several goroutines at
// once, as the caller does across files: pooled parsers must not mix.
func TestLiteralsConcurrent(t *testing.T) {
	files := []string{"user_report.rb", "reports.py", "orders.ts", "OrderDao.java", "store.go"}
	want := map[string][]found{}
	for _, f := range files {
		want[f] = summarise(literalsOf(t, f, readTestdata(t, f)))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				f := files[(g+i)%len(files)]
				lits, err := Literals(Detect(f), f, readTestdata(t, f))
				if err != nil {
					errs <- err.Error()
					return
				}
				if diff := cmp.Diff(want[f], summarise(lits)); diff != "" {
					errs <- fmt.Sprintf("%s differs under concurrency:\n%s", f, diff)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
