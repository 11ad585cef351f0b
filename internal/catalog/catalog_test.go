package catalog

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

func replay(t *testing.T, sqls ...string) *Catalog {
	t.Helper()
	c := New()
	for i, s := range sqls {
		f := source.NewFile("m.sql", []byte(s))
		res := sqlparse.Parse(f)
		if len(res.Errors) > 0 {
			t.Fatalf("migration %d: %v", i, res.Errors[0])
		}
		c.Order = i
		c.ApplyAll(ops.FromStatements(res.Statements, ops.Options{File: f}), "m.sql")
	}
	return c
}

func columns(c *Catalog, table string) []string {
	t := c.Tables["public."+table]
	if t == nil {
		return nil
	}
	var out []string
	for _, col := range t.Columns {
		s := col.Name + " " + col.Type.String()
		if col.NotNull {
			s += " not null"
		}
		if col.HasDefault {
			s += " default " + col.DefaultSQL()
		}
		out = append(out, s)
	}
	return out
}

func TestReplay(t *testing.T) {
	c := replay(t,
		"CREATE TABLE users (id bigserial PRIMARY KEY, email varchar(100), name text, created_at timestamptz DEFAULT now());",
		"ALTER TABLE users ALTER COLUMN email TYPE text, ALTER COLUMN email SET NOT NULL; ALTER TABLE users RENAME COLUMN name TO full_name;",
		"ALTER TABLE users ADD COLUMN score integer DEFAULT 0 NOT NULL; ALTER TABLE users ALTER COLUMN created_at DROP DEFAULT;",
		"ALTER TABLE users ADD CONSTRAINT users_score_nn CHECK (score IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_score_nn;",
		"CREATE INDEX users_email ON users (email); ALTER INDEX users_email RENAME TO users_email_idx; ALTER TABLE users RENAME TO members;",
		"CREATE TYPE mood AS ENUM ('sad', 'ok'); ALTER TYPE mood ADD VALUE 'happy'; ALTER TYPE mood RENAME VALUE 'ok' TO 'fine';",
	)
	want := []string{"id bigint not null default nextval(...)", "email text not null", "full_name text", "created_at timestamp with time zone", "score integer not null default 0"}
	if diff := cmp.Diff(want, columns(c, "members")); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if c.Tables["public.users"] != nil {
		t.Error("users still exists after the rename")
	}
	if tab, ok := c.IndexTable(ops.Name{Name: "users_email_idx"}); !ok || tab.Name != "members" {
		t.Errorf("index table = %v, %v", tab, ok)
	}
	if !c.HasValidNotNullCheck(ops.Name{Name: "members"}, "score") {
		t.Error("validated CHECK (score IS NOT NULL) not seen")
	}
	if diff := cmp.Diff([]string{"sad", "fine", "happy"}, c.Object("enum", ops.Name{Name: "mood"}).Values); diff != "" {
		t.Errorf("enum (-want +got):\n%s", diff)
	}
	if !c.TableExisted(ops.Name{Name: "members"}) || !c.TableExisted(ops.Name{Name: "unknown_table"}) {
		t.Error("with no boundary every table counts as existing")
	}
}

func TestBoundaryMarksNewTables(t *testing.T) {
	c := replay(t, "CREATE TABLE old (id int);")
	c.Boundary = 1
	c.Order = 1
	f := source.NewFile("p.sql", []byte("CREATE TABLE fresh (id int); ALTER TABLE old ADD COLUMN x int;"))
	c.ApplyAll(ops.FromStatements(sqlparse.Parse(f).Statements, ops.Options{}), "p.sql")
	if c.TableExisted(ops.Name{Name: "fresh"}) || !c.TableExisted(ops.Name{Name: "old"}) {
		t.Error("fresh must be new, old must have existed")
	}
	if !c.ColumnIsNew(ops.Name{Name: "old"}, "x") || c.ColumnIsNew(ops.Name{Name: "old"}, "id") {
		t.Error("x is new, id is not")
	}
}

func TestFromDumpAndDiff(t *testing.T) {
	read := func(name string) *Catalog {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		c, errs := FromDump(source.NewFile("db/structure.sql", data), 15)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs[0])
		}
		return c
	}
	before, after := read("structure-before.sql"), read("structure-after.sql")
	if diff := cmp.Diff([]string{"id bigint not null default nextval('public.users_id_seq'::regclass)", "email character varying", "nickname character varying", "karma integer", "created_at timestamp(6) without time zone not null"}, columns(before, "users")); diff != "" {
		t.Errorf("users before (-want +got):\n%s", diff)
	}
	added, removed := Diff(before, after)
	summary := func(list []ops.Op) []string {
		var out []string
		for _, op := range list {
			s := string(op.Kind) + " " + op.Table.Name
			if op.Column != "" {
				s += "." + op.Column
			}
			if op.NewName != "" {
				s += " -> " + op.NewName
			}
			if op.Object.Name != "" {
				s += " " + op.Object.Name
			}
			s += " @" + itoa(op.Span.Start.Line)
			out = append(out, s)
		}
		sort.Strings(out)
		return out
	}
	wantAdded := []string{
		"alter-column-type users.karma @16",
		"create-table audit_log @22",
		"rename-column users.nickname -> handle @15",
		"set-not-null users.email @14",
	}
	if diff := cmp.Diff(wantAdded, summary(added)); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
	wantRemoved := []string{"drop-table legacy_events @27", "drop-type  mood @10"}
	if diff := cmp.Diff(wantRemoved, summary(removed)); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
}

func itoa(i int) string {
	s := ""
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	if s == "" {
		return "0"
	}
	return s
}

// TestColumnChangesFollowIntoIndexesAndConstraints: PostgreSQL drops the
// indexes on a dropped column, and a renamed column keeps its indexes
// and constraints; the sequence of a serial key follows its renames.
func TestColumnChangesFollowIntoIndexesAndConstraints(t *testing.T) {
	c := replay(t,
		"CREATE TABLE users (id bigserial PRIMARY KEY, email text, name text, team_id bigint REFERENCES teams (id)); CREATE INDEX users_email ON users (email); CREATE INDEX users_name_email ON users (name, email);",
		"ALTER TABLE users DROP COLUMN email; ALTER TABLE users RENAME COLUMN team_id TO group_id; ALTER TABLE users RENAME COLUMN name TO full_name;",
		`ALTER TABLE users RENAME TO members; ALTER TABLE "public"."users_id_seq" RENAME TO members_id_seq;`,
	)
	var idx []string
	for _, i := range c.IndexesOn(ops.Name{Name: "members"}) {
		idx = append(idx, i.Name.Name+"("+strings.Join(i.Columns, ",")+")")
	}
	if diff := cmp.Diff([]string{"users_pkey(id)"}, idx); diff != "" {
		t.Errorf("indexes (-want +got):\n%s", diff)
	}
	m := c.Tables["public.members"]
	if k := m.Constraints["users_team_id_fkey"]; k == nil || !cmp.Equal(k.Columns, []string{"group_id"}) {
		t.Errorf("foreign key after the rename: %+v", k)
	}
	if seq := m.Column("id").Sequence; seq != "members_id_seq" {
		t.Errorf("sequence of members.id = %q, want members_id_seq", seq)
	}
	c = replay(t, "CREATE TABLE t (a int, b int); CREATE INDEX t_a_b ON t (a, b);", "ALTER TABLE t RENAME COLUMN a TO c;")
	if got := c.IndexesOn(ops.Name{Name: "t"}); len(got) != 1 || !cmp.Equal(got[0].Columns, []string{"c", "b"}) {
		t.Errorf("index after the column rename: %+v", got)
	}
}

// TestIndexesOnFollowsEveryChange: the indexes listed per table stay
// those of Indexes through creates, drops and renames of indexes and
// tables, and in a clone.
func TestIndexesOnFollowsEveryChange(t *testing.T) {
	c := replay(t,
		"CREATE TABLE a (id bigint PRIMARY KEY, x int, y int); CREATE TABLE b (id int UNIQUE, z int); CREATE INDEX a_x ON a (x); CREATE INDEX a_y ON a (y); CREATE INDEX b_z ON b (z);",
	)
	_ = c.IndexesOn(ops.Name{Name: "a"}) // the per-table lists exist from here on
	clone := c.Clone()
	for _, cat := range []*Catalog{c, clone} {
		for _, sql := range []string{
			"ALTER INDEX a_x RENAME TO a_x2; DROP INDEX a_y; ALTER TABLE a RENAME TO c; ALTER TABLE c DROP COLUMN x;",
			"DROP TABLE b; CREATE INDEX c_id ON c (id); ALTER TABLE c ADD CONSTRAINT c_y_key UNIQUE (y);",
		} {
			f := source.NewFile("m.sql", []byte(sql))
			cat.ApplyAll(ops.FromStatements(sqlparse.Parse(f).Statements, ops.Options{File: f}), "m.sql")
		}
		for _, table := range []string{"a", "b", "c"} {
			var got, want []string
			for _, i := range cat.IndexesOn(ops.Name{Name: table}) {
				got = append(got, i.Name.Name)
			}
			for _, i := range cat.Indexes {
				if i.Table == "public."+table {
					want = append(want, i.Name.Name)
				}
			}
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("IndexesOn(%s) (-Indexes +IndexesOn):\n%s", table, diff)
			}
		}
		if got := len(cat.IndexesOn(ops.Name{Name: "c"})); got != 3 {
			t.Errorf("c has %d indexes, want a_pkey, c_id and c_y_key", got)
		}
	}
}

// TestHasConstraintLike: a UNIQUE on the columns of a UNIQUE or primary
// key the table has, or on more (in any order), and a FOREIGN KEY from the
// same columns to the same table reject no write the table's constraints
// did not; another table, fewer columns or a CHECK do not count.
func TestHasConstraintLike(t *testing.T) {
	c := replay(t, "CREATE TABLE teams (id bigint PRIMARY KEY); CREATE TABLE groups (id bigint PRIMARY KEY); CREATE TABLE users (id bigint PRIMARY KEY, a int, b int, team_id bigint REFERENCES teams (id), UNIQUE (a, b), CHECK (a > 0));")
	users := ops.Name{Name: "users"}
	teams, groups := ops.Name{Name: "teams"}, ops.Name{Name: "groups"}
	for _, tc := range []struct {
		name string
		k    ops.Constraint
		want bool
	}{
		{"same unique", ops.Constraint{Type: ops.Unique, Columns: []string{"a", "b"}}, true},
		{"unique, columns in another order", ops.Constraint{Type: ops.Unique, Columns: []string{"b", "a"}}, true},
		{"unique on the primary key", ops.Constraint{Type: ops.Unique, Columns: []string{"id"}}, true},
		{"unique on more columns", ops.Constraint{Type: ops.Unique, Columns: []string{"b", "team_id", "a"}}, true},
		{"unique on fewer columns", ops.Constraint{Type: ops.Unique, Columns: []string{"a"}}, false},
		{"same foreign key", ops.Constraint{Type: ops.ForeignKey, Columns: []string{"team_id"}, RefTable: &teams}, true},
		{"foreign key to another table", ops.Constraint{Type: ops.ForeignKey, Columns: []string{"team_id"}, RefTable: &groups}, false},
		{"foreign key on more columns", ops.Constraint{Type: ops.ForeignKey, Columns: []string{"team_id", "a"}, RefTable: &teams}, false},
		{"check", ops.Constraint{Type: ops.Check, Expr: "a > 0", ExprColumns: []string{"a"}}, false},
	} {
		if got := c.HasConstraintLike(users, &tc.k); got != tc.want {
			t.Errorf("%s: HasConstraintLike = %v, want %v", tc.name, got, tc.want)
		}
	}
	if c.HasConstraintLike(ops.Name{Name: "missing"}, &ops.Constraint{Type: ops.Unique, Columns: []string{"a"}}) {
		t.Error("a constraint on a table that does not exist")
	}
}
