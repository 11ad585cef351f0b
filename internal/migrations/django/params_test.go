package django

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRunSQLParams: the parameters of a RunSQL (sql, params) pair are
// read as psycopg reads them, both to parse the SQL ($n placeholders)
// and to show the SQL sent (the values quoted in).
func TestRunSQLParams(t *testing.T) {
	str := func(s string) *value { return &value{kind: kStr, s: s} }
	num := func(i int64) *value { return &value{kind: kInt, i: i} }
	list := func(vs ...*value) *value { return &value{kind: kList, items: vs} }
	dict := func(kvs ...*value) *value {
		d := &value{kind: kDict}
		for i := 0; i < len(kvs); i += 2 {
			d.keys, d.items = append(d.keys, kvs[i]), append(d.items, kvs[i+1])
		}
		return d
	}
	cases := []struct {
		sql          string
		params       *value
		placeholders string
		sent         string // "" when the values cannot be put in
	}{
		{"UPDATE t SET s = %s WHERE n > %s", list(str("it's"), num(100)), "UPDATE t SET s = $1 WHERE n > $2", "UPDATE t SET s = 'it''s' WHERE n > 100"},
		{"UPDATE t SET s = %s", &value{kind: kTuple, items: []*value{{kind: kNone}}}, "UPDATE t SET s = $1", "UPDATE t SET s = NULL"},
		{"SELECT %s, %s", list(&value{kind: kBool, b: true}, &value{kind: kFloat, s: "1.5"}), "SELECT $1, $2", "SELECT true, 1.5"},
		{"UPDATE t SET a = %(x)s, b = %(y)s WHERE c = %(x)s", dict(str("x"), num(1), str("y"), str("b")), "UPDATE t SET a = $1, b = $2 WHERE c = $3", "UPDATE t SET a = 1, b = 'b' WHERE c = 1"},
		{"SELECT 'a%%' LIKE %s", list(str("b")), "SELECT 'a%' LIKE $1", "SELECT 'a%' LIKE 'b'"},
		{"SELECT 5 % 3, 100%", list(), "SELECT 5 % 3, 100%", "SELECT 5 % 3, 100%"},
		{"SELECT %s, %s", list(num(1)), "SELECT $1, $2", ""},
		{"SELECT %(missing)s", dict(str("x"), num(1)), "SELECT $1", ""},
		{"SELECT %s", list(&value{kind: kCall, s: "f"}), "SELECT $1", ""},
		// What psycopg itself refuses (a mapping for %s, a sequence for
		// %(name)s, the two mixed, an unclosed %(): such a % stays as
		// written.
		{"SELECT %s", dict(str("x"), num(1)), "SELECT $1", "SELECT %s"},
		{"SELECT %(x)s", list(num(1)), "SELECT $1", "SELECT %(x)s"},
		{"SELECT %(x)s, %s", list(num(1)), "SELECT $1, $2", "SELECT %(x)s, 1"},
		{"SELECT %(x", dict(str("x"), num(1)), "SELECT %(x", "SELECT %(x"},
		{"SELECT %(x", list(), "SELECT %(x", "SELECT %(x"},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.placeholders, placeholders(c.sql)); diff != "" {
			t.Errorf("placeholders(%q) (-want +got):\n%s", c.sql, diff)
		}
		sent, ok := interpolate(c.sql, c.params)
		if !ok {
			sent = ""
		}
		if diff := cmp.Diff(c.sent, sent); diff != "" {
			t.Errorf("interpolate(%q) (-want +got):\n%s", c.sql, diff)
		}
	}
}
