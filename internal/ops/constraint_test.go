package ops

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// A constraint written on a column is the table constraint on that column.
func TestInlineConstraintsAreTableConstraints(t *testing.T) {
	inline := `CREATE TABLE t (
		a int CONSTRAINT t_a_fkey REFERENCES s.u (id) ON DELETE CASCADE,
		b int CONSTRAINT t_b_key UNIQUE,
		c int CONSTRAINT t_pkey PRIMARY KEY,
		d int CONSTRAINT t_d_check CHECK (d IS NOT NULL),
		e int NOT NULL DEFAULT 1
	)`
	table := `CREATE TABLE t (
		a int, b int, c int, d int, e int NOT NULL DEFAULT 1,
		CONSTRAINT t_a_fkey FOREIGN KEY (a) REFERENCES s.u (id) ON DELETE CASCADE,
		CONSTRAINT t_b_key UNIQUE (b),
		CONSTRAINT t_pkey PRIMARY KEY (c),
		CONSTRAINT t_d_check CHECK (d IS NOT NULL)
	)`
	want := []Constraint{
		{Name: "t_a_fkey", Type: ForeignKey, Columns: []string{"a"}, RefTable: &Name{Schema: "s", Name: "u"}, RefColumns: []string{"id"}},
		{Name: "t_b_key", Type: Unique, Columns: []string{"b"}},
		{Name: "t_pkey", Type: PrimaryKey, Columns: []string{"c"}},
		{Name: "t_d_check", Type: Check, Expr: "d IS NOT NULL", NotNullColumn: "d", ExprColumns: []string{"d"}},
	}
	for _, sql := range []string{inline, table} {
		f := source.NewFile("m.sql", []byte(sql))
		res := sqlparse.Parse(f)
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", sql, res.Errors[0])
		}
		list := FromStatements(res.Statements, Options{File: f})
		if len(list) != 1 {
			t.Fatalf("%s: no operation", sql)
		}
		if diff := cmp.Diff(want, list[0].Constraints); diff != "" {
			t.Errorf("%s (-want +got):\n%s", sql, diff)
		}
	}
}
