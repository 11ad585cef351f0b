package ops

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

type opSummary struct {
	Kind    Kind
	Table   string
	Column  string
	Lock    string
	Rewrite bool
	Detail  string
}

func summarize(t *testing.T, sql string, ver int) []opSummary {
	t.Helper()
	f := source.NewFile("m.sql", []byte(sql))
	res := sqlparse.Parse(f)
	if len(res.Errors) > 0 {
		t.Fatalf("%q: %v", sql, res.Errors[0])
	}
	var out []opSummary
	for _, op := range FromStatements(res.Statements, Options{PGVersion: ver, File: f}) {
		out = append(out, opSummary{op.Kind, op.Table.String(), op.Column, op.Lock.String(), op.Rewrite, op.Detail})
	}
	return out
}

func TestOperations(t *testing.T) {
	cases := []struct {
		sql  string
		ver  int
		want []opSummary
	}{
		{"ALTER TABLE s.t ADD COLUMN c int DEFAULT 0", 16, []opSummary{{AddColumn, "s.t", "c", "ACCESS EXCLUSIVE", false, ""}}},
		{"ALTER TABLE t ADD COLUMN c int DEFAULT 0", 10, []opSummary{{AddColumn, "t", "c", "ACCESS EXCLUSIVE", true, ""}}},
		{"ALTER TABLE t ADD COLUMN c timestamptz DEFAULT clock_timestamp()", 16, []opSummary{{AddColumn, "t", "c", "ACCESS EXCLUSIVE", true, ""}}},
		{"ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now()", 16, []opSummary{{AddColumn, "t", "c", "ACCESS EXCLUSIVE", false, ""}}},
		{"ALTER TABLE t ADD COLUMN id bigserial PRIMARY KEY", 16, []opSummary{
			{AddColumn, "t", "id", "ACCESS EXCLUSIVE", true, ""},
			{AddConstraint, "t", "", "ACCESS EXCLUSIVE", false, "inline"},
		}},
		{"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID, VALIDATE CONSTRAINT g", 16, []opSummary{
			{AddConstraint, "t", "", "SHARE ROW EXCLUSIVE", false, ""},
			{ValidateConstr, "t", "", "SHARE UPDATE EXCLUSIVE", false, ""},
		}},
		{"CREATE INDEX CONCURRENTLY i ON t (a)", 16, []opSummary{{CreateIndex, "t", "", "SHARE UPDATE EXCLUSIVE", false, ""}}},
		{"CREATE UNIQUE INDEX i ON t (a)", 16, []opSummary{{CreateIndex, "t", "", "SHARE", false, ""}}},
		{"DROP INDEX CONCURRENTLY IF EXISTS i, j", 16, []opSummary{{DropIndex, "", "", "SHARE UPDATE EXCLUSIVE", false, ""}, {DropIndex, "", "", "SHARE UPDATE EXCLUSIVE", false, ""}}},
		{"ALTER TABLE t SET (fillfactor = 70)", 16, []opSummary{{AlterTableOther, "t", "", "SHARE UPDATE EXCLUSIVE", false, "setreloptions"}}},
		{"ALTER TABLE t SET UNLOGGED", 16, []opSummary{{AlterTableOther, "t", "", "ACCESS EXCLUSIVE", true, "setunlogged"}}},
		{"ALTER TABLE t DISABLE TRIGGER ALL", 16, []opSummary{{AlterTableOther, "t", "", "SHARE ROW EXCLUSIVE", false, "disabletrigall"}}},
		{"LOCK TABLE t IN SHARE MODE", 16, []opSummary{{LockTable, "t", "", "SHARE", false, ""}}},
		{"REFRESH MATERIALIZED VIEW CONCURRENTLY v", 16, []opSummary{{RefreshMatView, "v", "", "EXCLUSIVE", false, ""}}},
		{"VACUUM (FULL) t", 16, []opSummary{{Vacuum, "t", "", "ACCESS EXCLUSIVE", true, ""}}},
		{"UPDATE t SET a = 1", 16, []opSummary{{Update, "t", "", "ROW EXCLUSIVE", false, "all rows"}}},
		{"ALTER TABLE t RENAME COLUMN a TO b", 16, []opSummary{{RenameColumn, "t", "a", "ACCESS EXCLUSIVE", false, ""}}},
		{"ALTER TABLE t SET SCHEMA archive", 16, []opSummary{{SetSchema, "t", "", "ACCESS EXCLUSIVE", false, "table"}}},
		{"CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()", 16, []opSummary{{CreateTrigger, "t", "", "SHARE ROW EXCLUSIVE", false, ""}}},
		{"SET LOCAL lock_timeout = '5s'", 16, []opSummary{{Set, "", "", "NONE", false, ""}}},
		{"GRANT SELECT ON t TO r", 16, []opSummary{{Grant, "", "", "NONE", false, ""}}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, summarize(t, c.sql, c.ver)); diff != "" {
			t.Errorf("%s (pg %d) (-want +got):\n%s", c.sql, c.ver, diff)
		}
	}
}

func TestTypesAndBinaryCompatibility(t *testing.T) {
	f := source.NewFile("m.sql", []byte("CREATE TABLE t (a varchar(10), b timestamptz, c numeric(10,2), d int[], e timestamp(3) with time zone, f character varying, g \"char\")"))
	got := []string{}
	for _, c := range FromStatements(sqlparse.Parse(f).Statements, Options{})[0].Columns {
		got = append(got, c.Type.String())
	}
	want := []string{"character varying(10)", "timestamp with time zone", "numeric(10,2)", "integer[]", "timestamp(3) with time zone", "character varying", "char"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	compat := []struct {
		from, to Type
		want     bool
	}{
		{Type{Name: "character varying", Mods: []int{10}}, Type{Name: "text"}, true},
		{Type{Name: "character varying", Mods: []int{10}}, Type{Name: "character varying", Mods: []int{20}}, true},
		{Type{Name: "character varying", Mods: []int{20}}, Type{Name: "character varying", Mods: []int{10}}, false},
		{Type{Name: "integer"}, Type{Name: "bigint"}, false},
		{Type{Name: "numeric", Mods: []int{10, 2}}, Type{Name: "numeric", Mods: []int{12, 2}}, true},
		{Type{Name: "numeric", Mods: []int{10, 2}}, Type{Name: "numeric", Mods: []int{12, 3}}, false},
		{Type{Name: "cidr"}, Type{Name: "inet"}, true},
		{Type{Name: "text"}, Type{Name: "character varying", Mods: []int{5}}, false},
	}
	for _, c := range compat {
		if got := BinaryCompatible(c.from, c.to); got != c.want {
			t.Errorf("BinaryCompatible(%s, %s) = %v", c.from, c.to, got)
		}
	}
}

func TestTransactionsAndNewTables(t *testing.T) {
	f := source.NewFile("m.sql", []byte("CREATE TABLE a (id int); CREATE INDEX ai ON a (id); BEGIN; ALTER TABLE b ADD COLUMN x int; BEGIN; COMMIT; ALTER TABLE a RENAME TO c; ALTER TABLE c ADD COLUMN y int;"))
	type st struct {
		Kind  Kind
		New   bool
		InTx  bool
		Tx    int
		Extra string
	}
	var got []st
	for _, op := range FromStatements(sqlparse.Parse(f).Statements, Options{}) {
		got = append(got, st{op.Kind, op.NewTable, op.InTransaction, op.Tx, op.Detail})
	}
	want := []st{
		{CreateTable, false, false, 0, ""},
		{CreateIndex, true, false, 0, ""},
		{Begin, false, true, 1, ""},
		{AddColumn, false, true, 1, ""},
		{Begin, false, true, 1, "nested"},
		{Commit, false, true, 1, ""},
		{RenameTable, true, false, 0, ""},
		{AddColumn, true, false, 0, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
