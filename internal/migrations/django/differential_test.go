package django

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/pgdb/pgtest"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// python is Debian's interpreter, which has python3-django and
// python3-psycopg2.
const pythonBin = "/usr/bin/python3"

// harness runs the project's migrations with the real Django against a
// PostgreSQL database, as `manage.py migrate` does: in its plan order,
// with one project state carried from migration to migration. It records
// every statement the schema editor executes (parameters quoted as
// sqlmigrate quotes them), so the SQL is what really ran, with Django's
// introspection seeing the database as the earlier statements left it
// (sqlmigrate's collect_sql mode does not run them, so it sees a stale
// database). It prints the plan and the SQL as JSON.
const harness = `
import json, os, sys
sys.path.insert(0, os.environ["PROJECT_DIR"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from django.conf import settings
settings.DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql",
    "NAME": os.environ["PGDATABASE"], "USER": os.environ["PGUSER"],
    "PASSWORD": os.environ.get("PGPASSWORD", ""), "HOST": os.environ["PGHOST"], "PORT": os.environ["PGPORT"],
}}
import django
django.setup()
from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.executor import MigrationExecutor

captured = []
original = BaseDatabaseSchemaEditor.execute
def execute(self, sql, params=()):
    text = str(sql)
    captured.append(text % tuple(map(self.quote_value, params)) if params is not None else text)
    return original(self, sql, params)
BaseDatabaseSchemaEditor.execute = execute

executor = MigrationExecutor(connection)
executor.recorder.ensure_schema()
plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
state = executor._create_project_state(with_applied_migrations=True)
out = []
for migration, backwards in plan:
    captured.clear()
    state = executor.apply_migration(state, migration)
    out.append({"app": migration.app_label, "name": migration.name, "atomic": migration.atomic, "sql": list(captured)})
json.dump({"version": django.get_version(), "plan": out}, sys.stdout)
`

type djangoRun struct {
	Version string `json:"version"`
	Plan    []struct {
		App    string   `json:"app"`
		Name   string   `json:"name"`
		Atomic bool     `json:"atomic"`
		SQL    []string `json:"sql"`
	} `json:"plan"`
}

// needTool skips the test without the Debian packages, and fails it when
// CI is set: CI installs them (scripts/deps.sh).
func needTool(t *testing.T) {
	t.Helper()
	err := exec.Command(pythonBin, "-c", "import django, psycopg2").Run()
	if err == nil {
		return
	}
	msg := "the differential test needs Debian's python3-django and python3-psycopg2 (" + pythonBin + "): " + err.Error()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func runDjango(t *testing.T, project string) djangoRun {
	t.Helper()
	dbURL := pgtest.Database(t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	host, port := q.Get("host"), q.Get("port")
	if host == "" {
		host = u.Hostname()
	}
	if port == "" {
		port = u.Port()
	}
	pass, _ := u.User.Password()
	abs, err := filepath.Abs(project)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pythonBin, "-c", harness)
	cmd.Env = append(os.Environ(),
		"PROJECT_DIR="+abs, "PGDATABASE="+strings.TrimPrefix(u.Path, "/"), "PGUSER="+u.User.Username(),
		"PGPASSWORD="+pass, "PGHOST="+host, "PGPORT="+port, "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("running the migrations with Django failed: %v\n%s", err, tail(stderr.String(), 3000))
		}
		t.Fatal(err)
	}
	var run djangoRun
	if err := json.Unmarshal(stdout.Bytes(), &run); err != nil {
		t.Fatalf("reading Django's output: %v", err)
	}
	return run
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// djangoOps is what our SQL path makes of the SQL Django ran.
func djangoOps(sql []string, atomic bool) ([]ops.Op, []*sqlparse.SyntaxError) {
	var b strings.Builder
	for _, s := range sql {
		b.WriteString(s)
		if !strings.HasSuffix(strings.TrimSpace(s), ";") {
			b.WriteString(";")
		}
		b.WriteString("\n")
	}
	f := source.NewFile("django.sql", []byte(b.String()))
	res := sqlparse.Parse(f)
	return ops.FromStatements(res.Statements, ops.Options{Transactional: atomic, File: f}), res.Errors
}

// versionDifferences are the differences between the packaged Django
// (3.2) and current releases that the translator reproduces from the
// version it reads in the "Generated by Django" headers. The differential
// projects are generated by 3.2, so they check the 3.2 side; the unit
// tests (5.2 headers) check the other.
var versionDifferences = []string{
	"4.1: AutoField and friends are identity columns (GENERATED BY DEFAULT AS IDENTITY) instead of serial; changing their type no longer recreates a sequence.",
	"4.0: after a primary key changes type, the foreign keys of auto-created M2M tables are created again (3.2 drops them and leaves them out).",
	"4.1: RenameIndex exists; RenameModel of a model with db_table does nothing.",
	"4.2: db_comment and AlterModelTableComment write COMMENT ON statements.",
	"5.0: db_default is a database default that AddField keeps; UniqueConstraint(nulls_distinct=False).",
	"5.1: CheckConstraint's check= is spelled condition=.",
}

// knownDifferences are the places where the SQL of the packaged Django
// (3.2) and our translation legitimately differ; each is normalised away
// before comparing, for the reason given.
var knownDifferences = []string{
	"Django computes callable defaults (timezone.now, uuid.uuid4) and auto_now(_add) when the migration runs and sends the value as a literal; the translation keeps the Python expression as the default's text (both are constants to PostgreSQL).",
	"The SQL recorded from Django has RunSQL parameters quoted into it; the translation parses the statement with $n placeholders.",
	"When a primary key changes type, Django visits the foreign keys pointing at it in the order of a Python set of its progressive state (it depends on the hash seed); the translation uses the registry order. Consecutive statements of the same kind are compared in (table, column, name) order.",
}

// sortRuns puts consecutive operations of the same kind in (table,
// column, object) order (knownDifferences[2]); SET CONSTRAINTS ...
// IMMEDIATE moves with the DROP CONSTRAINT it precedes.
func sortRuns(list []ops.Op) []ops.Op {
	var units [][]ops.Op
	for i := 0; i < len(list); i++ {
		if list[i].Kind == ops.Other && list[i].Detail == "ConstraintsSetStmt" && i+1 < len(list) && list[i+1].Kind == ops.DropConstraint {
			units = append(units, list[i:i+2])
			i++
			continue
		}
		units = append(units, list[i:i+1])
	}
	key := func(u []ops.Op) string {
		op := u[len(u)-1]
		return op.Table.String() + "\x00" + op.Column + "\x00" + op.Object.String()
	}
	kind := func(u []ops.Op) ops.Kind { return u[len(u)-1].Kind }
	for i := 0; i < len(units); {
		j := i + 1
		for j < len(units) && kind(units[j]) == kind(units[i]) {
			j++
		}
		run := units[i:j]
		sort.SliceStable(run, func(a, b int) bool { return key(run[a]) < key(run[b]) })
		i = j
	}
	var out []ops.Op
	for _, u := range units {
		out = append(out, u...)
	}
	return out
}

func normalise(list []ops.Op) []ops.Op {
	// Default texts are deparsed lazily; fill them so they compare.
	text := func(e *ops.Expr) *ops.Expr {
		if e == nil {
			return nil
		}
		cp := *e
		cp.Text = e.SQL()
		return &cp
	}
	out := make([]ops.Op, 0, len(list))
	for _, op := range list {
		op.Span = source.Span{}
		op.Stmt = 0
		if op.ColumnDef != nil {
			cd := *op.ColumnDef
			cd.Span = source.Span{}
			cd.Default = text(cd.Default)
			op.ColumnDef = &cd
		}
		if len(op.Columns) > 0 {
			cols := make([]ops.Column, len(op.Columns))
			copy(cols, op.Columns)
			for i := range cols {
				cols[i].Default = text(cols[i].Default)
			}
			op.Columns = cols
		}
		op.Default = text(op.Default)
		out = append(out, op)
	}
	return out
}

var opCompare = []cmp.Option{
	cmpopts.IgnoreFields(ops.Expr{}, "Node"),
	cmpopts.IgnoreFields(ops.Column{}, "Span"),
	cmpopts.EquateEmpty(),
	// A default Django computes in Python is a literal on its side and
	// the Python expression on ours (knownDifferences[0]).
	cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Text"
	}, cmp.Comparer(func(a, b string) bool {
		return a == b || strings.HasSuffix(a, "()") || strings.HasSuffix(b, "()")
	})),
}

// sentCompare compares the operations of Translation.SQL with Django's:
// where Django computes a default in Python, Translation.SQL sends a
// typed NULL in place of the value (knownDifferences[0]).
var sentCompare = []cmp.Option{
	cmpopts.IgnoreFields(ops.Expr{}, "Node"),
	cmpopts.IgnoreFields(ops.Column{}, "Span"),
	cmpopts.EquateEmpty(),
	cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Text"
	}, cmp.Comparer(func(a, b string) bool {
		return a == b || strings.HasPrefix(a, "NULL::") || strings.HasPrefix(b, "NULL::")
	})),
}

func TestDifferentialShopProject(t *testing.T) { differential(t, "shop_project") }

func TestDifferentialLibraryProject(t *testing.T) { differential(t, "library_project") }

func differential(t *testing.T, name string) {
	needTool(t)
	project := filepath.Join("../../../testdata/frameworks/django", name)
	run := runDjango(t, project)
	t.Logf("known differences, normalised before comparing:\n%s", strings.Join(knownDifferences, "\n"))
	if !strings.HasPrefix(run.Version, "3.2") {
		t.Logf("Django %s: the testdata was generated by 3.2; the translator follows the headers, and these differences are version dependent:\n%s", run.Version, strings.Join(versionDifferences, "\n"))
	}
	d := New()
	set, err := d.Discover(os.DirFS(project), ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	trs := d.Translate(set.Migrations, migration.TranslateOptions{PGVersion: 15})
	byVersion := map[string]migration.Translation{}
	var ours []string
	for _, tr := range trs {
		byVersion[tr.Migration.Version] = tr
		ours = append(ours, tr.Migration.Version)
	}
	var theirs []string
	for _, p := range run.Plan {
		key := p.App + "." + p.Name
		tr, ok := byVersion[key]
		if !ok {
			continue // django.contrib's own migrations
		}
		theirs = append(theirs, key)
		t.Run(key, func(t *testing.T) {
			want, errs := djangoOps(p.SQL, p.Atomic)
			for _, e := range errs {
				t.Errorf("Django's SQL does not parse: %v", e)
			}
			if tr.Migration.Transactional != p.Atomic {
				t.Errorf("Transactional = %v, Django's atomic = %v", tr.Migration.Transactional, p.Atomic)
			}
			got := sortRuns(normalise(tr.Ops))
			want = sortRuns(normalise(want))
			if diff := cmp.Diff(want, got, opCompare...); diff != "" {
				t.Errorf("operations differ from Django's (-django +ours):\n%s\nDjango's SQL:\n%s", diff, strings.Join(p.SQL, "\n"))
			}
			// The SQL the translation says Django sends means what
			// Django's does.
			var texts []string
			for _, s := range tr.SQL {
				texts = append(texts, s.Text)
			}
			sent, errs := djangoOps(texts, p.Atomic)
			for _, e := range errs {
				t.Errorf("Translation.SQL does not parse: %v", e)
			}
			if diff := cmp.Diff(want, sortRuns(normalise(sent)), sentCompare...); diff != "" {
				t.Errorf("operations of Translation.SQL differ from Django's (-django +ours):\n%s\nDjango's SQL:\n%s\nTranslation.SQL:\n%s", diff, strings.Join(p.SQL, "\n"), strings.Join(texts, "\n"))
			}
			for _, n := range tr.Notes {
				if n.Kind != migration.NoteDataMigration {
					t.Errorf("unexpected note at line %d: %s", n.Span.Start.Line, n.Message)
				}
			}
		})
	}
	if diff := cmp.Diff(theirs, ours); diff != "" {
		t.Errorf("apply order differs from Django's plan (-django +ours):\n%s", diff)
	}
}

// TestPostgresConstraintNames checks pgObjectName against the names the
// server gives unnamed constraints, which Django later looks up.
func TestPostgresConstraintNames(t *testing.T) {
	if _, err := exec.LookPath("psql"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("psql is needed")
		}
		t.Skip("psql is needed")
	}
	dbURL := pgtest.Database(t)
	tables := []struct{ table, column string }{
		{"shop_customer", "email"},
		{"a_table_with_a_name_long_enough_to_need_truncation_by_postgres", "a_column"},
		{"t", "a_column_name_that_is_itself_very_long_and_needs_to_be_cut_down"},
	}
	var sql strings.Builder
	for _, tc := range tables {
		fmt.Fprintf(&sql, "CREATE TABLE %q (id int PRIMARY KEY, %q int UNIQUE CHECK (%q >= 0));\n", tc.table, tc.column, tc.column)
	}
	sql.WriteString("SELECT conrelid::regclass::text || ' ' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1;\n")
	out, err := exec.Command("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dbURL, "-c", sql.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v: %s", err, out)
	}
	got := strings.Fields(string(out))
	var want []string
	for _, tc := range tables {
		for _, name := range []string{pgObjectName(tc.table, tc.column, "check"), pgObjectName(tc.table, tc.column, "key"), pgObjectName(tc.table, "", "pkey")} {
			want = append(want, tc.table, name)
		}
	}
	sortPairs := func(s []string) []string {
		var pairs []string
		for i := 0; i+1 < len(s); i += 2 {
			pairs = append(pairs, s[i]+" "+s[i+1])
		}
		sort.Strings(pairs)
		return pairs
	}
	if diff := cmp.Diff(sortPairs(want), sortPairs(got)); diff != "" {
		t.Errorf("constraint names (-ours +server):\n%s", diff)
	}
}
