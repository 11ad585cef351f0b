package alembic

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// alembicCommand returns how to run Debian's alembic with Debian's
// interpreter. Missing alembic fails the test in CI and skips it
// elsewhere.
func alembicCommand(t *testing.T) []string {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err == nil {
		if exec.Command(py, "-c", "import alembic, sqlalchemy").Run() == nil {
			return []string{py, "-m", "alembic"}
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s with the alembic module is required in CI (apt-get install alembic)", py)
	}
	t.Skipf("%s with the alembic module is not installed", py)
	return nil
}

// offlineEnv runs the migrations in offline mode against the PostgreSQL
// dialect: no database needed. transaction_per_migration stays off (the
// default), so the only COMMIT/BEGIN inside a revision are the ones an
// autocommit_block() adds.
const offlineEnv = `from alembic import context

context.configure(
    url=context.config.get_main_option("sqlalchemy.url"),
    literal_binds=True,
    dialect_opts={"paramstyle": "named"},
)

with context.begin_transaction():
    context.run_migrations()
`

// runAlembicOffline runs `alembic upgrade heads --sql` on a versions
// directory and returns the SQL it prints.
func runAlembicOffline(t *testing.T, cmd []string, versions string) string {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs(versions)
	if err != nil {
		t.Fatal(err)
	}
	ini := "[alembic]\nscript_location = %(here)s\nversion_locations = " + abs + "\nsqlalchemy.url = postgresql://\n"
	if err := os.WriteFile(filepath.Join(dir, "alembic.ini"), []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "env.py"), []byte(offlineEnv), 0o644); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(cmd[0], append(cmd[1:], "-c", filepath.Join(dir, "alembic.ini"), "upgrade", "heads", "--sql")...)
	c.Dir = dir
	c.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("alembic upgrade heads --sql: %v\n%s", err, stderr.String())
	}
	return string(out)
}

var runningUpgrade = regexp.MustCompile(`(?m)^-- Running upgrade (.*) -> (\S+)$`)

// alembicSegments splits alembic's offline SQL by revision ("-- Running
// upgrade a -> b" comments) and turns each revision's statements into
// operations through the SQL path, without alembic's own bookkeeping
// (the alembic_version table, the run's BEGIN and final COMMIT). It also
// returns the revisions in the order alembic ran them.
func alembicSegments(t *testing.T, out string) (map[string][]ops.Op, []string) {
	t.Helper()
	f := source.NewFile("alembic.sql", []byte(out))
	res := sqlparse.Parse(f)
	if len(res.Errors) > 0 {
		t.Fatalf("alembic's SQL does not parse: %v", res.Errors[0])
	}
	marks := runningUpgrade.FindAllStringSubmatchIndex(out, -1)
	var order []string
	stmts := map[string][]sqlparse.Statement{}
	for i, st := range res.Statements {
		k := -1
		for j, m := range marks {
			if m[0] < st.Span.Start.Offset {
				k = j
			}
		}
		if k < 0 {
			continue // the run's BEGIN and CREATE TABLE alembic_version
		}
		if i == len(res.Statements)-1 && strings.EqualFold(strings.TrimSpace(st.Text), "COMMIT") {
			continue // the run's COMMIT
		}
		if strings.Contains(st.Text, "alembic_version") {
			continue
		}
		rev := out[marks[k][4]:marks[k][5]]
		stmts[rev] = append(stmts[rev], st)
	}
	for _, m := range marks {
		order = append(order, out[m[4]:m[5]])
	}
	segs := map[string][]ops.Op{}
	for _, rev := range order {
		segs[rev] = ops.FromStatements(stmts[rev], ops.Options{Transactional: true})
	}
	return segs, order
}

// normalize prepares operations for comparison: the COMMIT/BEGIN pairs
// alembic prints around an autocommit block are dropped (the translation
// marks the block's operations as outside the transaction instead, with
// the same Tx numbers), the indexes a create_table emits are sorted by
// name (SQLAlchemy iterates Table.indexes, a set), and statements are
// renumbered from 0.
func normalize(in []ops.Op) []ops.Op {
	var out []ops.Op
	for _, op := range in {
		if op.Kind == ops.Begin || op.Kind == ops.Commit {
			continue
		}
		out = append(out, op)
	}
	for i := 0; i < len(out); i++ {
		if out[i].Kind != ops.CreateTable {
			continue
		}
		j := i + 1
		for j < len(out) && out[j].Kind == ops.CreateIndex && out[j].Table == out[i].Table {
			j++
		}
		run := out[i+1 : j]
		stmts := make([]int, len(run))
		for k := range run {
			stmts[k] = run[k].Stmt
		}
		slices.SortStableFunc(run, func(a, b ops.Op) int { return strings.Compare(a.Object.Name, b.Object.Name) })
		for k := range run {
			run[k].Stmt = stmts[k]
		}
	}
	n, last := -1, -1
	for i := range out {
		if i == 0 || out[i].Stmt != last {
			n++
		}
		last = out[i].Stmt
		out[i].Stmt = n
	}
	return out
}

// exprView is what an expression means to the rules: its SQL text
// (deparsed on demand) and classification.
type exprView struct {
	SQL        string
	Volatility ops.Volatility
	Null       bool
}

var opCompare = []cmp.Option{
	// Whether the revision asked the database first is no part of the
	// SQL (TestGuards checks it).
	cmpopts.IgnoreFields(ops.Op{}, "Span", "Guarded"),
	cmpopts.IgnoreFields(ops.Column{}, "Span"),
	cmp.Transformer("expr", func(e ops.Expr) exprView { return exprView{e.SQL(), e.Volatility, e.Null} }),
	cmpopts.EquateEmpty(),
}

// knownDifferences are testdata revisions whose operations may differ
// between Debian's packaged alembic (1.8) / SQLAlchemy (1.4) and the
// translation, with the reason; such a revision is skipped. There are
// none: the testdata project is written to run on the packaged versions.
// What the packaged versions cannot run is covered by the unit tests
// (TestTranslateOperations) instead, against the SQL current versions
// print:
//   - SQLAlchemy 2.0 types (sa.Uuid, sa.Double, sa.UUID) do not exist in
//     1.4: importing such a revision fails there.
//   - if_exists= / if_not_exists= on create_table, drop_table,
//     add_column, drop_column, create_index and drop_index came in
//     alembic 1.12-1.16; 1.8 rejects the keyword.
//   - pyproject.toml's [tool.alembic] is read from alembic 1.16 on.
//
// Two differences are in alembic itself, not in versions, and the
// comparison allows for them: the CREATE INDEX statements a create_table
// emits follow Table.indexes, a Python set (normalize sorts them), and
// alembic orders independent branches by directory listing order
// (os.listdir), so only that both orders are topological is checked.
var knownDifferences = map[string]string{}

// TestDifferentialAlembic runs every testdata revision through Debian's
// alembic in offline mode and checks that the SQL it prints gives the
// operations the translation gives.
func TestDifferentialAlembic(t *testing.T) {
	cmd := alembicCommand(t)
	const project = "../../../testdata/frameworks/alembic/shop"
	fw := New()
	set, err := fw.Discover(os.DirFS(project), ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	trs := fw.Translate(set.Migrations, migration.TranslateOptions{})
	out := runAlembicOffline(t, cmd, filepath.Join(project, "migrations", "versions"))
	segs, ranOrder := alembicSegments(t, out)

	var ours []string
	for _, m := range set.Migrations {
		ours = append(ours, m.Version)
	}
	if diff := cmp.Diff(sorted(ours), sorted(ranOrder)); diff != "" {
		t.Errorf("revisions found (-schemagate +alembic):\n%s", diff)
	}
	parents := map[string][]string{}
	for _, tr := range trs {
		parents[tr.Migration.Version] = readHeader(parseModule(tr.Migration.File.Text)).downRevision
	}
	for name, order := range map[string][]string{"schemagate": ours, "alembic": ranOrder} {
		if err := checkTopological(order, parents); err != "" {
			t.Errorf("%s's order %v: %s", name, order, err)
		}
	}

	for _, tr := range trs {
		rev := tr.Migration.Version
		t.Run(tr.Migration.Name, func(t *testing.T) {
			if reason, ok := knownDifferences[rev]; ok {
				t.Skipf("known difference: %s", reason)
			}
			for _, n := range tr.Notes {
				t.Errorf("unexpected note at %d:%d: %s", n.Span.Start.Line, n.Span.Start.Column, n.Message)
			}
			want := normalize(segs[rev])
			got := normalize(tr.Ops)
			if len(want) == 0 && len(got) == 0 && tr.Migration.Name != "merge_billing_and_search" {
				t.Fatalf("no operations on either side")
			}
			if diff := cmp.Diff(want, got, opCompare...); diff != "" {
				t.Errorf("operations (-alembic SQL +translation):\n%s", diff)
			}
			// The SQL the translation says alembic sends, run as a
			// runner would (COMMIT and BEGIN around what runs outside
			// the transaction), means what alembic's SQL means.
			sent := sentOps(t, tr.SQL, tr.Migration.Transactional)
			if diff := cmp.Diff(want, normalize(sent), opCompare...); diff != "" {
				t.Errorf("operations of Translation.SQL (-alembic SQL +translation's SQL):\n%s", diff)
			}
		})
	}
}

func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// checkTopological returns what is wrong with order, or "".
func checkTopological(order []string, parents map[string][]string) string {
	pos := map[string]int{}
	for i, r := range order {
		pos[r] = i
	}
	for _, r := range order {
		for _, p := range parents[r] {
			if pp, ok := pos[p]; !ok || pp > pos[r] {
				return r + " runs before its down_revision " + p
			}
		}
	}
	return ""
}

// sentOps are the operations of a translation's SQL sent as a runner
// sends it: in the migration's transaction, with COMMIT before and BEGIN
// after the statements that run outside it, as alembic prints an
// autocommit_block().
func sentOps(t *testing.T, sql []migration.SQLStatement, transactional bool) []ops.Op {
	t.Helper()
	var b strings.Builder
	in := transactional
	for _, st := range sql {
		switch {
		case in && !st.InTransaction:
			b.WriteString("COMMIT;\n")
		case !in && st.InTransaction:
			b.WriteString("BEGIN;\n")
		}
		in = st.InTransaction
		b.WriteString(st.Text + ";\n")
	}
	res := sqlparse.Parse(source.NewFile("sent.sql", []byte(b.String())))
	for _, e := range res.Errors {
		t.Errorf("Translation.SQL does not parse: %v", e)
	}
	return ops.FromStatements(res.Statements, ops.Options{Transactional: transactional})
}
