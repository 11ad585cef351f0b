package ops

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

func TestDuplicate(t *testing.T) {
	long := strings.Repeat("x", 63)
	cases := []struct{ sql, want string }{
		{"INSERT INTO t (a, b, a) VALUES (1, 2, 3)", `column "a" specified more than once`},
		{"INSERT INTO t (a, A) VALUES (1, 2)", `column "a" specified more than once`},
		{`INSERT INTO t ("a", "A") VALUES (1, 2)`, ""},
		{"INSERT INTO t (" + long + "1, " + long + "2) VALUES (1, 2)", `column "` + long + `" specified more than once`},
		{"INSERT INTO t (a[1], a[2]) VALUES (1, 2)", ""},
		{"INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = 1, b = 2", `multiple assignments to same column "b"`},
		{"INSERT INTO t (a, b) VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = excluded.b", ""},
		{"UPDATE t SET a = 1, b = 2, a = 3", `multiple assignments to same column "a"`},
		{"UPDATE t SET (a, b) = (1, 2), A = 3", `multiple assignments to same column "a"`},
		{"UPDATE t SET a.x = 1, a.y = 2", ""},
		{"UPDATE t SET a = 1, b = 2", ""},
		{"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = 1, a = 2", `multiple assignments to same column "a"`},
		{"MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (a, a) VALUES (1, 2)", `column "a" specified more than once`},
		{"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = 1 WHEN NOT MATCHED THEN INSERT (a) VALUES (1)", ""},
		{"COPY t (a, a) FROM stdin", `column "a" specified more than once`},
		{"CREATE TABLE t (a int, b int, A text)", `column "a" specified more than once`},
		{`CREATE TABLE t (a int, "A" text)`, ""},
		{"ALTER TABLE t ADD COLUMN a int, ADD COLUMN a int", `column "a" of relation "t" already exists`},
		{"ALTER TABLE t ADD COLUMN a int, ADD COLUMN IF NOT EXISTS a int", ""},
		{"CREATE VIEW v AS SELECT t.a, u.a FROM t JOIN u USING (id)", `column "a" specified more than once`},
		{"CREATE VIEW v AS SELECT 1, 2", `column "?column?" specified more than once`},
		{"CREATE VIEW v AS SELECT count(*), count(id) FROM t", `column "count" specified more than once`},
		{"CREATE VIEW v AS SELECT 'x'::text, 'y'::text", `column "text" specified more than once`},
		{"CREATE VIEW v AS SELECT a::text, a FROM t", `column "a" specified more than once`},
		{"CREATE VIEW v (x, y) AS SELECT a, a FROM t", ""},
		{"CREATE VIEW v (x) AS SELECT a, x FROM t", `column "x" specified more than once`},
		{"CREATE VIEW v AS SELECT *, a FROM t", ""},
		{"CREATE VIEW v AS SELECT a, b FROM t UNION SELECT a, a FROM u", ""},
		{"CREATE VIEW v AS SELECT CASE WHEN a THEN b ELSE c END, c FROM t", `column "c" specified more than once`},
		{"CREATE VIEW v AS VALUES (1, 2)", ""},
		{"CREATE TABLE n AS SELECT a, a FROM t", `column "a" specified more than once`},
		{"CREATE MATERIALIZED VIEW m AS SELECT a, a FROM t", `column "a" specified more than once`},
		{"SELECT a, a INTO n FROM t", `column "a" specified more than once`},
		{"SELECT a, a FROM t", ""},
	}
	for _, c := range cases {
		f := source.NewFile("m.sql", []byte(c.sql))
		res := sqlparse.Parse(f)
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", c.sql, res.Errors[0])
		}
		list := FromStatements(res.Statements, Options{File: f})
		if diff := cmp.Diff(c.want, list[0].Duplicate); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.sql, diff)
		}
	}
}

func TestSelectIntoCreatesATable(t *testing.T) {
	got := summarize(t, "SELECT a INTO archive FROM t; CREATE TABLE c (LIKE t); CREATE TABLE k () INHERITS (t)", 16)
	want := []opSummary{
		{CreateTable, "archive", "", "NONE", false, "as select"},
		{CreateTable, "c", "", "ACCESS EXCLUSIVE", false, "like"},
		{CreateTable, "k", "", "ACCESS EXCLUSIVE", false, "inherits"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
