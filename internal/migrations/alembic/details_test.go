package alembic

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/migrationstest"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// TestSpans checks that every operation points at the Python call that
// produced it, columns at their name, and SQL statements at their text in
// the file, also when the SQL is not a verbatim part of it.
func TestSpans(t *testing.T) {
	src := revisionSource(`TABLE = 'users'`, `
op.add_column('users', sa.Column('email', sa.String(255), nullable=True))
op.create_table('t',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column("name", sa.Text()),
)
op.execute("UPDATE users SET a = 1; UPDATE users SET b = 2")
op.execute("UPDATE users\tSET c = 3;\nUPDATE users SET d = 4")
op.execute("UPDATE users " "SET e = 5")
op.execute(f"UPDATE {TABLE} SET f = 6")
with op.batch_alter_table('users') as batch_op:
    batch_op.drop_column('g')
op.execute("""
    ALTER TABLE users
        ADD COLUMN h int
""")`)
	tr := translateSource(t, src)
	f := tr.Migration.File
	type spanned struct {
		Kind ops.Kind
		Stmt int
		At   string
		Cols []string
	}
	var got []spanned
	for _, op := range tr.Ops {
		s := spanned{Kind: op.Kind, Stmt: op.Stmt, At: spanText(f, op.Span)}
		if op.ColumnDef != nil {
			s.Cols = append(s.Cols, spanText(f, op.ColumnDef.Span))
		}
		for _, c := range op.Columns {
			s.Cols = append(s.Cols, spanText(f, c.Span))
		}
		got = append(got, s)
	}
	want := []spanned{
		{ops.AddColumn, 0, `op.add_column('users', sa.Column('email', sa.String(255), nullable=True))`, []string{`'email'`}},
		{ops.CreateTable, 1, "op.create_table('t',\n        sa.Column('id', sa.Integer(), primary_key=True),\n        sa.Column(\"name\", sa.Text()),\n    )", []string{`'id'`, `"name"`}},
		{ops.Update, 2, `UPDATE users SET a = 1`, nil},
		{ops.Update, 3, `UPDATE users SET b = 2`, nil},
		{ops.Update, 4, `UPDATE users\tSET c = 3`, nil},
		{ops.Update, 5, `UPDATE users SET d = 4`, nil},
		{ops.Update, 6, `UPDATE users " "SET e = 5`, nil},
		{ops.Update, 7, `UPDATE {TABLE} SET f = 6`, nil},
		{ops.DropColumn, 8, `batch_op.drop_column('g')`, nil},
		{ops.AddColumn, 9, "ALTER TABLE users\n            ADD COLUMN h int", []string{"h"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	if len(tr.Notes) != 0 {
		t.Errorf("unexpected notes: %+v", tr.Notes)
	}
}

// TestAutocommitBlock: alembic commits before the block and begins a new
// transaction after it, so the block's statements run outside any
// transaction and the ones after it in a new one.
func TestAutocommitBlock(t *testing.T) {
	src := revisionSource("", `
op.add_column('orders', sa.Column('x', sa.Integer()))
with op.get_context().autocommit_block():
    op.create_index('ix_a', 'orders', ['x'], postgresql_concurrently=True)
    with op.batch_alter_table('orders') as batch_op:
        batch_op.create_index('ix_b', ['x'], postgresql_concurrently=True)
op.create_index('ix_c', 'orders', ['x'], postgresql_concurrently=True)
ctx = op.get_context()
with ctx.autocommit_block():
    op.execute("ALTER TYPE state ADD VALUE 'archived'")
op.drop_column('orders', 'y')`)
	tr := translateSource(t, src)
	type state struct {
		Kind ops.Kind
		In   bool
		Tx   int
	}
	var got []state
	for _, op := range tr.Ops {
		got = append(got, state{op.Kind, op.InTransaction, op.Tx})
	}
	want := []state{
		{ops.AddColumn, true, 1},
		{ops.CreateIndex, false, 0},
		{ops.CreateIndex, false, 0},
		{ops.CreateIndex, true, 2}, // CONCURRENTLY in a transaction: the rule's case
		{ops.AddEnumValue, false, 0},
		{ops.DropColumn, true, 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("transaction state (-want +got):\n%s", diff)
	}
}

// TestDefaults: server_default is a database default (classified like
// SQL defaults), default= is not, nullable unless nullable=False or a
// primary key.
func TestDefaults(t *testing.T) {
	src := revisionSource(`DEFAULT_NAME = 'n/a'`, `
op.add_column('t', sa.Column('a', sa.Integer(), server_default='0'))
op.add_column('t', sa.Column('b', sa.DateTime(), server_default=sa.func.now(), nullable=False))
op.add_column('t', sa.Column('c', postgresql.UUID(), server_default=sa.text('gen_random_uuid()')))
op.add_column('t', sa.Column('d', sa.Integer(), default=5, nullable=False))
op.add_column('t', sa.Column('e', sa.String(), server_default=DEFAULT_NAME))
op.add_column('t', sa.Column('f', sa.String(), server_default=compute_default()))
op.add_column('t', sa.Column('g', sa.Integer(), server_default=sa.null()))
op.add_column('t', sa.Column('h', sa.Integer(), server_default=sa.text("(1 + 2)")))
op.alter_column('t', 'a', server_default=sa.func.clock_timestamp())`)
	tr := translateSource(t, src)
	type col struct {
		Name       string
		NotNull    bool
		Default    string
		Volatility ops.Volatility
		Null       bool
		Rewrite    bool
	}
	var got []col
	for _, op := range tr.Ops {
		c := col{Rewrite: op.Rewrite}
		d := op.Default
		if op.ColumnDef != nil {
			c.Name, c.NotNull, d = op.ColumnDef.Name, op.ColumnDef.NotNull, op.ColumnDef.Default
		} else {
			c.Name = string(op.Kind) + " " + op.Column
		}
		if d != nil {
			c.Default, c.Volatility, c.Null = d.SQL(), d.Volatility, d.Null
		}
		got = append(got, c)
	}
	want := []col{
		{Name: "a", Default: "'0'", Volatility: ops.Immutable},
		{Name: "b", NotNull: true, Default: "now()", Volatility: ops.Stable},
		{Name: "c", Default: "gen_random_uuid()", Volatility: ops.Volatile, Rewrite: true},
		{Name: "d", NotNull: true},
		{Name: "e", Default: "'n/a'", Volatility: ops.Immutable},
		{Name: "f", Default: "compute_default()", Volatility: ops.Volatile, Rewrite: true},
		{Name: "g", Default: "NULL", Volatility: ops.Immutable, Null: true},
		{Name: "h", Default: "1 + 2", Volatility: ops.Immutable},
		{Name: "set-default a", Default: "clock_timestamp()", Volatility: ops.Volatile},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	wantNotes := []noteWant{{migration.NoteUnrecognised, "compute_default()", "cannot read the server default"}}
	if diff := cmp.Diff(wantNotes, gotNotes(tr.Migration.File, tr.Notes, wantNotes)); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// TestPythonErrors: a Python syntax error is a syntax-error note at its
// place; what parses is still translated; a file without upgrade() is a
// hint.
func TestPythonErrors(t *testing.T) {
	t.Run("syntax error", func(t *testing.T) {
		src := revisionSource("", `
op.add_column('users', sa.Column('a', sa.Integer()))
op.drop_column('users', 'b'
op.drop_table('c')`)
		tr := translateSource(t, src)
		var kinds []ops.Kind
		for _, op := range tr.Ops {
			kinds = append(kinds, op.Kind)
		}
		if len(kinds) == 0 || kinds[0] != ops.AddColumn {
			t.Errorf("ops = %v, want the add_column before the error translated", kinds)
		}
		var errs []migration.Note
		for _, n := range tr.Notes {
			if n.Kind == migration.NoteSyntaxError {
				errs = append(errs, n)
			}
		}
		at := strings.Index(src, "op.drop_column")
		if at < 0 {
			t.Fatal("the source has no op.drop_column")
		}
		line := strings.Count(src[:at], "\n") + 1
		if len(errs) == 0 || errs[0].Span.Start.Line < line || errs[0].Span.Start.Line > line+1 {
			t.Fatalf("syntax errors = %+v, want one at line %d", errs, line)
		}
		if !strings.Contains(errs[0].Message, "Python syntax error") {
			t.Errorf("message = %q", errs[0].Message)
		}
	})
	t.Run("missing upgrade", func(t *testing.T) {
		src := "revision = 'ab'\ndown_revision = None\n\n\ndef downgrade():\n    pass\n"
		tr := translateSource(t, src)
		want := []noteWant{{migration.NoteUnrecognised, "revision = 'ab'", "no upgrade() function"}}
		if diff := cmp.Diff(want, gotNotes(tr.Migration.File, tr.Notes, want)); diff != "" || len(tr.Ops) != 0 {
			t.Errorf("notes (-want +got):\n%s\nops: %v", diff, tr.Ops)
		}
	})
	t.Run("empty upgrade", func(t *testing.T) {
		tr := translateSource(t, revisionSource("", "pass"))
		if len(tr.Ops) != 0 || len(tr.Notes) != 0 {
			t.Errorf("ops %v notes %v, want none", tr.Ops, tr.Notes)
		}
	})
	t.Run("no recognisable calls", func(t *testing.T) {
		tr := translateSource(t, revisionSource("", `
"""Nothing to do on PostgreSQL."""
total = 0
print("skipped")`))
		want := []noteWant{{migration.NoteUnrecognised, "def upgrade() -> None:", "no Alembic operation schemagate recognises"}}
		if diff := cmp.Diff(want, gotNotes(tr.Migration.File, tr.Notes, want)); diff != "" || len(tr.Ops) != 0 {
			t.Errorf("notes (-want +got):\n%s\nops: %v", diff, tr.Ops)
		}
	})
	t.Run("an ORM session block is no unknown context manager", func(t *testing.T) {
		// SQLAlchemy 2.0 ports write `with Session(...) as session:` for
		// 1.x's `with session.begin():`: the same data steps, the same
		// notes, closing the session none.
		for _, body := range []string{`
session = sa.orm.Session(bind=op.get_bind().connect())
with session.begin(subtransactions=True):
    session.execute(accounts.update().values(plan='free'))
session.commit()
session.close_all()`, `
with sa.orm.Session(bind=op.get_bind()) as session:
    session.execute(accounts.update().values(plan='free'))
    session.commit()`} {
			tr := translateSource(t, revisionSource("accounts = sa.table('accounts', sa.column('plan'))", body))
			want := []noteWant{
				{migration.NoteDataMigration, "session.execute(accounts.update().values(plan='free'))", "changes data through the connection or the ORM"},
				{migration.NoteDataMigration, "session.commit()", "changes data through the connection or the ORM"},
			}
			if diff := cmp.Diff(want, gotNotes(tr.Migration.File, tr.Notes, want)); diff != "" {
				t.Errorf("%s\nnotes (-want +got):\n%s", body, diff)
			}
		}
	})
	t.Run("an exists() guard around a create is checkfirst", func(t *testing.T) {
		// `if not table.exists(): table.create()` is what
		// table.create(bind, checkfirst=True) does: the create's note,
		// no note for the guard. Another guard keeps its note.
		tr := translateSource(t, revisionSource("", `
meta = sa.MetaData()
notices = sa.Table('notices', meta, sa.Column('id', sa.Integer, primary_key=True))
if not notices.exists():
    try:
        notices.create()
    except Exception:
        raise
if not notices.exists():
    op.add_column('users', sa.Column('note', sa.Text()))`))
		want := []noteWant{
			{migration.NoteUnrecognised, "try:", "cannot translate this try statement"},
			{migration.NoteUnrecognised, "notices.create()", "changes the schema through SQLAlchemy's metadata"},
			{migration.NoteUnrecognised, "raise", "cannot translate this raise statement"},
			{migration.NoteUnrecognised, "if not notices.exists():", "a condition schemagate cannot evaluate"},
		}
		if diff := cmp.Diff(want, gotNotes(tr.Migration.File, tr.Notes, want)); diff != "" {
			t.Errorf("notes (-want +got):\n%s", diff)
		}
	})
	t.Run("batch operation after its block", func(t *testing.T) {
		tr := translateSource(t, revisionSource("", `
with op.batch_alter_table('users') as batch_op:
    batch_op.drop_column('a')
batch_op.drop_column('b')`))
		want := []noteWant{{migration.NoteUnrecognised, "batch_op.drop_column('b')", "outside its `with op.batch_alter_table(...)` block"}}
		if diff := cmp.Diff(want, gotNotes(tr.Migration.File, tr.Notes, want)); diff != "" || len(tr.Ops) != 1 {
			t.Errorf("notes (-want +got):\n%s\nops: %d", diff, len(tr.Ops))
		}
	})
}

func TestDecodeString(t *testing.T) {
	cases := []struct {
		lit  string // a Python string literal
		want string
	}{
		{`'plain'`, "plain"},
		{`"tab\there\n"`, "tab\there\n"},
		{`r"raw\n"`, `raw\n`},
		{`'quote\'s'`, "quote's"},
		{`"\x41\u00e9\101"`, "Aé" + "A"},
		{`b'bytes'`, "bytes"},
		{`'''tri
ple'''`, "tri\nple"},
		{"'line \\\ncontinued'", "line continued"},
		{`"a" 'b'`, "ab"},
		{`f"{{x}}"`, "{x}"},
	}
	for _, c := range cases {
		src := "x = " + c.lit + "\n"
		mod := parseModule([]byte(src))
		if len(mod.body) != 1 || mod.body[0].kind != stmtAssign {
			t.Fatalf("%s: not parsed as an assignment", c.lit)
		}
		e := mod.body[0].x
		tr := &translator{mod: mod, env: map[string]*expr{}, src: []byte(src)}
		got, offs, ok := tr.strValue(e)
		if !ok || got != c.want {
			t.Errorf("%s = %q (ok %v), want %q", c.lit, got, ok, c.want)
			continue
		}
		if len(offs) != len(got)+1 {
			t.Errorf("%s: %d offsets for %d bytes", c.lit, len(offs), len(got))
			continue
		}
		for i := 0; i+1 < len(offs); i++ {
			if offs[i] >= offs[i+1] && got[i] < 0x80 {
				t.Errorf("%s: offsets not increasing at %d: %v", c.lit, i, offs)
				break
			}
		}
	}
}

// TestLintFindings runs the lint engine on a translation: findings land on
// the Python calls and speak alembic's language.
func TestLintFindings(t *testing.T) {
	src := revisionSource("", `
op.create_index('ix_users_email', 'users', ['email'])
op.create_index('ix_users_name', 'users', ['name'], postgresql_concurrently=True)
with op.get_context().autocommit_block():
    op.create_index('ix_users_age', 'users', ['age'], postgresql_concurrently=True)`)
	tr := translateSource(t, src)
	var active []*rules.Rule
	for _, name := range []string{"require-concurrent-index-creation", "concurrently-in-transaction"} {
		r, ok := rules.Lookup(name)
		if !ok {
			t.Fatalf("no rule %s", name)
		}
		active = append(active, r)
	}
	tr.Apply()
	findings := lint.Run([]*migration.Migration{tr.Migration}, lint.Options{Rules: active})
	type f struct {
		Rule, At string
		Hint     bool
	}
	var got []f
	for _, x := range findings {
		got = append(got, f{x.Rule, spanText(tr.Migration.File, x.Span), strings.Contains(x.Hint, "autocommit_block")})
	}
	want := []f{
		{"require-concurrent-index-creation", "op.create_index('ix_users_email', 'users', ['email'])", true},
		{"concurrently-in-transaction", "op.create_index('ix_users_name', 'users', ['name'], postgresql_concurrently=True)", true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// FuzzTranslate: no input makes the translator panic, and every span it
// reports is inside the file.
func FuzzTranslate(f *testing.F) {
	dir := "../../../testdata/frameworks/alembic/shop/migrations/versions"
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
			f.Add(b)
			f.Add(b[:len(b)/2])
		}
	}
	f.Add([]byte("def upgrade():\n    op.execute(f'{'\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		m := &migration.Migration{Path: "x.py", File: source.NewFile("x.py", src), Format: migration.FormatAlembic, Transactional: true}
		migrationstest.TranslationInFile(t, translate(m, migration.TranslateOptions{}), len(src))
	})
}

// TestMutatedRevisions translates damaged copies of the testdata
// revisions (bytes changed, cut, duplicated, files truncated): none may
// panic or take long. It is a fixed-seed complement to FuzzTranslate.
func TestMutatedRevisions(t *testing.T) {
	dir := "../../../testdata/frameworks/alembic/shop/migrations/versions"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(1))
	n := 0
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for range 60 {
			src := mutate(r, b)
			start := time.Now()
			m := &migration.Migration{Path: "x.py", File: source.NewFile("x.py", src), Format: migration.FormatAlembic, Transactional: true}
			tr := translate(m, migration.TranslateOptions{})
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("translating took %v:\n%s", d, src)
			}
			if tr.Migration != m {
				t.Fatal("translation of another migration")
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no revisions to mutate")
	}
}

func mutate(r *rand.Rand, b []byte) []byte {
	src := append([]byte(nil), b...)
	for range 1 + r.Intn(8) {
		if len(src) == 0 {
			src = []byte("x")
		}
		p := r.Intn(len(src))
		switch r.Intn(4) {
		case 0:
			src[p] = byte(r.Intn(128))
		case 1:
			src = append(src[:p:p], src[min(len(src), p+r.Intn(20)):]...)
		case 2:
			q := r.Intn(len(b))
			ins := b[q:min(len(b), q+r.Intn(40))]
			out := make([]byte, 0, len(src)+len(ins))
			out = append(append(append(out, src[:p]...), ins...), src[p:]...)
			src = out
		case 3:
			src = src[:p+1]
		}
	}
	return src
}
