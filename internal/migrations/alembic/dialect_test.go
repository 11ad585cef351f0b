package alembic

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

// Branches on the dialect are decided as PostgreSQL: only the PostgreSQL
// code is translated, and another database's SQL is no syntax error.
func TestDialectBranches(t *testing.T) {
	cases := []struct {
		name   string
		module string
		body   string
		sql    string
	}{
		{
			name: "spellings of the dialect's name",
			module: `from alembic import context
from mailman.database.helpers import is_sqlite`,
			body: `
bind = op.get_bind()
if bind.dialect.name == "postgresql":
    op.execute("ALTER TABLE users ADD COLUMN a int")
if bind.dialect.name != "sqlite":
    op.execute("ALTER TABLE users ADD COLUMN b int")
if op.get_bind().dialect.name in ("mysql", "mariadb"):
    op.execute("ALTER TABLE users ADD COLUMN c int AFTER id")
if context.get_context().dialect.name == "mssql":
    op.execute("CREATE NONCLUSTERED INDEX ix ON users(a)")
elif op.get_context().dialect.name == "postgresql" and bind.engine.name.startswith("postg"):
    op.execute("ALTER TABLE users ADD COLUMN d int")
if context.bind.dialect.name.startswith(("mysql", "sqlite")) or not bind.engine.dialect.name.endswith("sql"):
    op.execute("PRAGMA foreign_keys=ON")
if sa.inspect(bind).dialect.name == "postgresql":
    op.execute("ALTER TABLE users ADD COLUMN e int")
if not is_sqlite(op.get_bind()):
    op.execute("ALTER TABLE users ADD COLUMN f int")`,
			sql: `ALTER TABLE users ADD COLUMN a int;
ALTER TABLE users ADD COLUMN b int;
ALTER TABLE users ADD COLUMN d int;
ALTER TABLE users ADD COLUMN e int;
ALTER TABLE users ADD COLUMN f int;`,
		},
		{
			name: "a name bound to the answer, and a conditional expression",
			body: `
is_pg = op.get_bind().dialect.name == "postgresql"
mysql = op.get_bind().dialect.name == "mysql"
json_type = postgresql.JSONB() if is_pg else sa.JSON()
op.add_column("users", sa.Column("prefs", json_type, nullable=mysql))
if mysql:
    op.execute("ALTER TABLE users ENGINE=InnoDB")
op.execute("CREATE INDEX CONCURRENTLY ix ON users (prefs)" if is_pg else "CREATE INDEX ix ON users(prefs(10))")`,
			sql: `ALTER TABLE users ADD COLUMN prefs JSONB NOT NULL;
CREATE INDEX CONCURRENTLY ix ON users (prefs);`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := translateSource(t, revisionSource(c.module, c.body))
			if diff := cmp.Diff(normalize(sqlOps(t, c.sql)), normalize(tr.Ops), opCompare...); diff != "" {
				t.Errorf("operations (-want +got):\n%s", diff)
			}
			for _, n := range tr.Notes {
				t.Errorf("unexpected note %s at %q: %s", n.Kind, spanText(tr.Migration.File, n.Span), n.Message)
			}
			if len(tr.Undecided) > 0 {
				t.Errorf("undecided spans: %v", tr.Undecided)
			}
		})
	}
}

// A condition that is not about the dialect runs every branch, recorded
// as undecided: findings there are at most warnings.
func TestUndecidedBranches(t *testing.T) {
	src := revisionSource("import os", `
if os.environ.get("LEGACY"):
    op.execute("CREATE NONCLUSTERED INDEX ix ON users(a)")
elif op.get_bind().dialect.name == "postgresql":
    op.drop_column("users", "legacy")
else:
    op.drop_column("users", "other")
op.add_column("users", sa.Column("x", sa.Integer()))`)
	tr := translateSource(t, src)
	f := tr.Migration.File
	var undecided []string
	for _, u := range tr.Undecided {
		undecided = append(undecided, strings.TrimSpace(spanText(f, u)))
	}
	want := []string{
		`op.execute("CREATE NONCLUSTERED INDEX ix ON users(a)")`,
		`op.drop_column("users", "legacy")`,
	}
	if diff := cmp.Diff(want, undecided); diff != "" {
		t.Errorf("undecided spans (-want +got):\n%s", diff)
	}
	// The elif is decided once reached: the else does not run.
	var kinds []ops.Kind
	for _, op := range tr.Ops {
		kinds = append(kinds, op.Kind)
	}
	if diff := cmp.Diff([]ops.Kind{ops.DropColumn, ops.AddColumn}, kinds); diff != "" {
		t.Errorf("operations (-want +got):\n%s", diff)
	}
	var kindsOfNotes []migration.NoteKind
	for _, n := range tr.Notes {
		kindsOfNotes = append(kindsOfNotes, n.Kind)
		if n.Kind == migration.NoteSyntaxError && !inside(n.Span.Start.Offset, tr) {
			t.Errorf("syntax error outside the undecided branches: %s", n.Message)
		}
	}
	if diff := cmp.Diff([]migration.NoteKind{migration.NoteUnrecognised, migration.NoteSyntaxError}, kindsOfNotes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func inside(off int, tr migration.Translation) bool {
	for _, u := range tr.Undecided {
		if off >= u.Start.Offset && off < u.End.Offset {
			return true
		}
	}
	return false
}

// A return in a branch that may not run leaves the rest of upgrade()
// translated, as undecided.
func TestReturnInUndecidedBranch(t *testing.T) {
	src := revisionSource("import os", `
op.add_column("users", sa.Column("x", sa.Integer()))
if os.environ.get("SKIP_DROPS"):
    return
op.drop_column("users", "legacy")
op.drop_column("users", "other")`)
	tr := translateSource(t, src)
	var undecided []ops.Kind
	for _, op := range tr.Ops {
		if inside(op.Span.Start.Offset, tr) {
			undecided = append(undecided, op.Kind)
		}
	}
	if diff := cmp.Diff([]ops.Kind{ops.DropColumn, ops.DropColumn}, undecided); diff != "" {
		t.Errorf("undecided operations (-want +got):\n%s", diff)
	}
	if len(tr.Ops) != 3 {
		t.Errorf("%d operations, want 3", len(tr.Ops))
	}
}
