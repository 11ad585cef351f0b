package rails

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
	"github.com/schemagate/schemagate/internal/tsnode"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const appDir = "../../../testdata/frameworks/rails/app"

// knownDifference is a way the packaged ActiveRecord (Debian's 6.1)
// differs from the Rails this translator follows (current Rails with
// Migration[x.y] compatibility); the test applies it to ActiveRecord's
// operations before comparing.
//
// Differences that need no adjustment because statement grouping
// (Op.Stmt) and positions are not compared:
//   - add_timestamps is one ALTER TABLE in current Rails, two in 6.1;
//   - create_enum is a DO block in Rails 7.0 and CREATE TYPE from 7.1:
//     both translate to create-enum (the DO block would be opaque);
//   - migrations that change rows through a model (User.update_all)
//     run UPDATEs that the translation reports as data-migration notes
//     (see modelStatement).
type knownDifference struct {
	name, reason string
	applies      func(m *migration.Migration) bool
	adjust       func(list []ops.Op) []ops.Op
	// opsOnly is set when Translation.SQL still sends what ActiveRecord
	// sends and only the operations differ.
	opsOnly bool
}

var knownDifferences = []knownDifference{
	{
		name: "create_table force: on a table that is not there",
		reason: "ActiveRecord sends DROP TABLE IF EXISTS first; PostgreSQL skips it when the table is not there, so the " +
			"translation makes no operation of it (Translation.SQL still sends it)",
		applies: func(*migration.Migration) bool { return true },
		opsOnly: true,
		adjust: func(list []ops.Op) []ops.Op {
			var out []ops.Op
			for i, op := range list {
				if op.Kind == ops.DropTable && op.IfExists && i+1 < len(list) && list[i+1].Kind == ops.CreateTable && list[i+1].Table == op.Table {
					continue
				}
				out = append(out, op)
			}
			return out
		},
	},
	{
		name: "datetime precision 6 from Migration[7.0]",
		reason: "ActiveRecord 6.1 does not know Migration[7.0] and runs it as 6.1, which leaves datetime columns without " +
			"precision; Rails 7.0 gives every datetime column precision 6 unless precision: is given",
		applies: func(m *migration.Migration) bool { return versionOf(m).atLeast(7, 0) },
		adjust: func(list []ops.Op) []ops.Op {
			fix := func(t *ops.Type) {
				if t != nil && t.Name == "timestamp without time zone" && len(t.Mods) == 0 {
					t.Mods = []int{6}
				}
			}
			for i := range list {
				for j := range list[i].Columns {
					fix(&list[i].Columns[j].Type)
				}
				if list[i].ColumnDef != nil {
					fix(&list[i].ColumnDef.Type)
				}
				fix(list[i].Type)
			}
			return list
		},
	},
}

// translationOnly are testdata migrations ActiveRecord 6.1 cannot run.
var translationOnly = map[string]string{
	"20230101000000_create_moods.rb": "create_enum and add_enum_value are Rails 7.0/7.1 methods; the 7.1 hashed index name is checked by the unit tests",
}

// modelStatements are statements a migration runs through a model
// (User.update_all): the translation reports them as data-migration
// notes, not operations. The migration's SQL is named "SQL", its own
// BEGIN and COMMIT "TRANSACTION".
func modelStatement(name string) bool { return name != "" && name != "SQL" && name != "TRANSACTION" }

func versionOf(m *migration.Migration) version {
	f := m.File
	p := parseAll([][]byte{f.Text})(0)
	t := &tr{f: f, src: f.Text}
	_, super, _ := migrationClass(p.root)
	if super == nil {
		return currentVersion
	}
	v, _ := t.classVersion(super, currentVersion)
	return v
}

// requireActiveRecord finds Debian's ruby with ActiveRecord and pg: a
// missing tool fails the test under CI and skips it elsewhere.
func requireActiveRecord(t *testing.T) string {
	t.Helper()
	ruby := "/usr/bin/ruby"
	out, err := exec.Command(ruby, "-e", `require "active_record"; require "pg"; print ActiveRecord.version`).CombinedOutput()
	if err != nil {
		msg := "ActiveRecord with the pg driver is needed (apt-get install ruby-activerecord ruby-pg): " + strings.TrimSpace(string(out)) + " " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Logf("ActiveRecord %s", out)
	return ruby
}

// arConfig turns the test database URL into ActiveRecord's settings.
func arConfig(t *testing.T, dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := map[string]any{"database": strings.TrimPrefix(u.Path, "/")}
	if u.User != nil {
		cfg["username"] = u.User.Username()
		if p, ok := u.User.Password(); ok {
			cfg["password"] = p
		}
	}
	q := u.Query()
	if h := q.Get("host"); h != "" {
		cfg["host"] = h
	} else if u.Hostname() != "" {
		cfg["host"] = u.Hostname()
	}
	if p := q.Get("port"); p != "" {
		cfg["port"] = p
	} else if u.Port() != "" {
		cfg["port"] = u.Port()
	}
	b, _ := json.Marshal(cfg)
	return string(b)
}

// appMigrations discovers the test app's db/migrate and db/post_migrate,
// merged by version as Rails runs them.
func appMigrations(t *testing.T) []*migration.Migration {
	t.Helper()
	fsys := os.DirFS(appDir)
	var all []*migration.Migration
	for _, dir := range []string{"db/migrate", "db/post_migrate"} {
		set, err := New().Discover(fsys, dir, migration.Options{})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, set.Migrations...)
	}
	slices.SortStableFunc(all, func(a, b *migration.Migration) int { return migration.CompareNumbers(a.Version, b.Version) })
	return all
}

type arResult struct {
	Path       string `json:"path"`
	Error      string `json:"error"`
	Statements []struct {
		Name string `json:"name"`
		SQL  string `json:"sql"`
	} `json:"statements"`
}

// TestDifferentialActiveRecord runs every testdata migration through the
// real ActiveRecord against a fresh database, feeds the SQL it sent
// through our SQL path, and compares the operations with the
// translation of the Ruby source. The translation's operations come
// from the SQL it writes for each call through the same path, so equal
// operations mean one lock and rewrite model for Rails and SQL
// migrations; the testdata call every migration method the translator
// supports that ActiveRecord 6.1 has.
func TestDifferentialActiveRecord(t *testing.T) {
	ruby := requireActiveRecord(t)
	dbURL := pgtest.Database(t)
	ms := appMigrations(t)
	trs := New().Translate(ms, migration.TranslateOptions{})
	var run []string
	for _, m := range ms {
		if _, skip := translationOnly[filepath.Base(m.Path)]; !skip {
			abs, _ := filepath.Abs(filepath.Join(appDir, m.Path))
			run = append(run, abs)
		}
	}
	cmd := exec.Command(ruby, append([]string{"testdata/capture.rb"}, run...)...)
	cmd.Env = append(os.Environ(), "SCHEMAGATE_AR_CONFIG="+arConfig(t, dbURL))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	results := map[string]arResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r arResult
		if jerr := json.Unmarshal(sc.Bytes(), &r); jerr != nil {
			t.Fatalf("capture.rb printed %q: %v", sc.Text(), jerr)
		}
		if r.Error != "" {
			t.Fatalf("ActiveRecord failed on %s: %s", r.Path, r.Error)
		}
		results[filepath.Base(r.Path)] = r
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatalf("capture.rb: %v\n%s", err, stderr.String())
	}
	compared := 0
	called := map[string]bool{}
	for i, m := range ms {
		base := filepath.Base(m.Path)
		if reason, skip := translationOnly[base]; skip {
			t.Logf("%s: translation only (%s)", base, reason)
			continue
		}
		r, ok := results[base]
		if !ok {
			t.Errorf("%s: ActiveRecord printed nothing for it", base)
			continue
		}
		var got []ops.Op
		for _, s := range r.Statements {
			if modelStatement(s.Name) {
				continue
			}
			res := sqlparse.Parse(source.NewFile(base, []byte(s.SQL)))
			for _, e := range res.Errors {
				t.Errorf("%s: ActiveRecord's SQL does not parse: %v\n%s", base, e, s.SQL)
			}
			got = append(got, ops.FromStatements(res.Statements, ops.Options{})...)
		}
		ops.Annotate(got, m.Transactional)
		sentWant := slices.Clone(got)
		for _, d := range knownDifferences {
			if d.applies(m) {
				got = d.adjust(got)
				if !d.opsOnly {
					sentWant = d.adjust(sentWant)
				}
			}
		}
		want := trs[i].Ops
		var sqls []string
		for _, s := range r.Statements {
			sqls = append(sqls, s.SQL)
		}
		if diff := cmp.Diff(normalise(want), normalise(got), opCmp...); diff != "" {
			t.Errorf("%s: translation (-) differs from ActiveRecord %s (+):\n%s\nActiveRecord's SQL:\n%s", base, "6.1", diff, strings.Join(sqls, ";\n"))
		}
		// The SQL the translation says ActiveRecord sends means what
		// ActiveRecord's SQL means.
		sent := sentOps(t, trs[i].SQL, m.Transactional)
		if diff := cmp.Diff(normalise(sentWant), normalise(sent), opCmp...); diff != "" {
			var texts []string
			for _, s := range trs[i].SQL {
				texts = append(texts, s.Text)
			}
			t.Errorf("%s: Translation.SQL (+) differs from ActiveRecord %s (-):\n%s\nActiveRecord's SQL:\n%s\nTranslation.SQL:\n%s", base, "6.1", diff, strings.Join(sqls, ";\n"), strings.Join(texts, ";\n"))
		}
		// RAILS_DUMP=1 logs the SQL ActiveRecord ran, to write new cases.
		if os.Getenv("RAILS_DUMP") != "" {
			for _, s := range r.Statements {
				t.Logf("%s [%s] %s", base, s.Name, s.SQL)
			}
		}
		compared++
		for name := range calledMethods(m) {
			called[name] = true
		}
	}
	if compared < 15 {
		t.Errorf("compared %d migrations, want every runnable testdata migration", compared)
	}
	// Every call the translator writes SQL for is compared, unless the
	// packaged ActiveRecord lacks it.
	var want []string
	for name := range dsl {
		want = append(want, name)
	}
	want = append(want, blockCalls...)
	want = append(want, tableCalls...)
	slices.Sort(want)
	for _, name := range want {
		if _, only := translationOnlyCalls[name]; !only && !called[name] {
			t.Errorf("%s: no testdata migration that ActiveRecord runs calls it", name)
		}
	}
}

// blockCalls and tableCalls are the translator's calls that are not in
// dsl: blocks it runs, and the t.* methods of create_table and
// change_table besides the column types.
var (
	blockCalls = []string{"reversible", "up_only", "say_with_time", "suppress_messages", "transaction", "safety_assured"}
	tableCalls = []string{"column", "primary_key", "references", "belongs_to", "timestamps", "index", "check_constraint", "foreign_key",
		"remove", "rename", "change", "change_default", "change_null", "remove_references", "remove_belongs_to", "remove_index",
		"rename_index", "remove_timestamps", "remove_foreign_key", "remove_check_constraint"}
)

// translationOnlyCalls are calls the packaged ActiveRecord (6.1) does not
// have; TestCallFamilies checks them against the SQL the Rails that has
// them sends.
var translationOnlyCalls = map[string]string{
	"create_enum": "Rails 7.0", "drop_enum": "Rails 7.0", "rename_enum": "Rails 7.1", "add_enum_value": "Rails 7.1",
	"rename_enum_value": "Rails 7.1", "add_exclusion_constraint": "Rails 7.1", "remove_exclusion_constraint": "Rails 7.1",
	"add_unique_constraint": "Rails 7.1", "add_unique_key": "Rails 7.2", "remove_unique_constraint": "Rails 7.1",
	"remove_unique_key": "Rails 7.2", "add_concurrent_index": "GitLab", "remove_concurrent_index": "GitLab",
	"remove_concurrent_index_by_name": "GitLab", "add_concurrent_foreign_key": "GitLab",
}

// calledMethods are the names of the methods a migration file calls.
func calledMethods(m *migration.Migration) map[string]bool {
	out := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		switch n.Type() {
		case "call":
			if _, meth, _, _ := callParts(n); meth != nil {
				out[text(meth, m.File.Text)] = true
			}
		case "identifier":
			out[text(n, m.File.Text)] = true
		}
		for _, k := range tsnode.Children(n) {
			walk(k)
		}
	}
	walk(parseAll([][]byte{m.File.Text})(0).root)
	return out
}

// opCmp compares operations without positions and parse trees.
var opCmp = []cmp.Option{
	// Whether the migration asked the database first is no part of the
	// SQL it sends (TestGuards checks it).
	cmpopts.IgnoreFields(ops.Op{}, "Span", "Stmt", "Guarded"),
	cmpopts.IgnoreFields(ops.Expr{}, "Node"),
	cmpopts.IgnoreFields(ops.Column{}, "Span"),
	cmpopts.EquateEmpty(),
}

// normalise copies ops for comparison, with default expressions
// rendered (ops fills Expr.Text lazily).
func normalise(list []ops.Op) []ops.Op {
	out := slices.Clone(list)
	text := func(e *ops.Expr) *ops.Expr {
		if e == nil {
			return nil
		}
		c := *e
		c.Text = e.SQL()
		c.Node = nil
		return &c
	}
	for i := range out {
		op := &out[i]
		op.Default = text(op.Default)
		if op.ColumnDef != nil {
			cd := *op.ColumnDef
			cd.Default = text(cd.Default)
			op.ColumnDef = &cd
		}
		op.Columns = slices.Clone(op.Columns)
		for j := range op.Columns {
			op.Columns[j].Default = text(op.Columns[j].Default)
		}
	}
	return out
}

// sentOps are the operations of a translation's SQL, through the SQL
// path.
func sentOps(t *testing.T, sql []migration.SQLStatement, transactional bool) []ops.Op {
	t.Helper()
	var list []ops.Op
	for _, s := range sql {
		res := sqlparse.Parse(source.NewFile("sent.sql", []byte(s.Text)))
		for _, e := range res.Errors {
			t.Errorf("Translation.SQL does not parse: %v\n%s", e, s.Text)
		}
		list = append(list, ops.FromStatements(res.Statements, ops.Options{})...)
	}
	ops.Annotate(list, transactional)
	return list
}
