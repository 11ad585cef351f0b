package alembic

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// revFile writes a revision file's header as `alembic revision` does.
func revFile(id string, down any, extra ...string) *fstest.MapFile {
	d := "None"
	switch v := down.(type) {
	case string:
		d = fmt.Sprintf("'%s'", v)
	case []string:
		q := make([]string, len(v))
		for i, s := range v {
			q[i] = fmt.Sprintf("'%s'", s)
		}
		d = "(" + strings.Join(q, ", ") + ")"
	}
	text := fmt.Sprintf(`"""a revision

Revision ID: %s
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '%s'
down_revision = %s
%s

def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
`, id, id, d, strings.Join(extra, "\n"))
	return &fstest.MapFile{Data: []byte(text)}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		fs   fstest.MapFS
		dir  string
		want bool
	}{
		{"alembic.ini", fstest.MapFS{"alembic.ini": file("[alembic]\nscript_location = %(here)s/alembic\n")}, ".", true},
		{"pyproject tool.alembic", fstest.MapFS{"pyproject.toml": file("[project]\nname = \"x\"\n\n[tool.alembic]\nscript_location = \"%(here)s/migrations\"\n")}, ".", true},
		{"versions directory", fstest.MapFS{"db/versions/ab12_init.py": revFile("ab12", nil)}, "db", true},
		{"the versions directory itself", fstest.MapFS{"db/versions/ab12_init.py": revFile("ab12", nil)}, "db/versions", true},
		{"typed header", fstest.MapFS{"v/ab12_init.py": file("revision: str = 'ab12'\ndown_revision: Union[str, None] = None\n")}, "v", true},
		{"django migrations", fstest.MapFS{"app/migrations/0001_initial.py": file("from django.db import migrations\n\nclass Migration(migrations.Migration):\n    initial = True\n")}, "app/migrations", false},
		{"sql migrations", fstest.MapFS{"db/001_init.sql": file("CREATE TABLE t (id int);\n")}, "db", false},
		{"ini without alembic section", fstest.MapFS{"alembic.ini": file("[loggers]\nkeys = root\n")}, ".", false},
		{"empty", fstest.MapFS{"README": file("x")}, ".", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := New().Detect(c.fs, c.dir); got != c.want {
				t.Errorf("Detect = %v, want %v", got, c.want)
			}
		})
	}
}

type found struct {
	Path, Version, Name string
	Order               int
	Problems            []string
}

func summarize(set *migration.Set) ([]found, []migration.Skipped) {
	var out []found
	for _, m := range set.Migrations {
		f := found{Path: m.Path, Version: m.Version, Name: m.Name, Order: m.Order}
		for _, p := range m.Problems {
			f.Problems = append(f.Problems, p.Message)
		}
		if !m.Transactional || m.Format != migration.FormatAlembic {
			f.Problems = append(f.Problems, "not transactional alembic")
		}
		out = append(out, f)
	}
	return out, set.Skipped
}

func TestDiscover(t *testing.T) {
	cases := []struct {
		name    string
		fs      fstest.MapFS
		dir     string
		want    []found
		skipped []migration.Skipped
	}{
		{
			name: "alembic.ini with %(here)s, a linear chain",
			fs: fstest.MapFS{
				"alembic.ini":                             file("[alembic]\n# template comment\nscript_location = %(here)s/alembic\nprepend_sys_path = .\nversion_path_separator = os  # Use os.pathsep.\n"),
				"alembic/env.py":                          file("from alembic import context\n"),
				"alembic/versions/3f1e2d_add_email.py":    revFile("3f1e2d", "9a8b7c"),
				"alembic/versions/9a8b7c_create_users.py": revFile("9a8b7c", nil),
				"alembic/versions/__init__.py":            file(""),
				"alembic/versions/README":                 file("not python"),
				"alembic/versions/.#3f1e2d_add_email.py":  file("lock"),
			},
			dir: ".",
			want: []found{
				{Path: "alembic/versions/9a8b7c_create_users.py", Version: "9a8b7c", Name: "create_users", Order: 0},
				{Path: "alembic/versions/3f1e2d_add_email.py", Version: "3f1e2d", Name: "add_email", Order: 1},
			},
		},
		{
			name: "relative script_location, project in a subdirectory",
			fs: fstest.MapFS{
				"svc/alembic.ini":                      file("[alembic]\nscript_location = migrations\n"),
				"svc/migrations/versions/a1_init.py":   revFile("a1", nil),
				"svc/migrations/versions/b2_second.py": revFile("b2", "a1"),
			},
			dir: "svc",
			want: []found{
				{Path: "svc/migrations/versions/a1_init.py", Version: "a1", Name: "init", Order: 0},
				{Path: "svc/migrations/versions/b2_second.py", Version: "b2", Name: "second", Order: 1},
			},
		},
		{
			name: "package resource script_location in an installed package's own alembic.ini",
			fs: fstest.MapFS{
				"usr/lib/python3/dist-packages/aodh/storage/sqlalchemy/alembic/alembic.ini":              file("[alembic]\nscript_location = aodh.storage.sqlalchemy:alembic\n"),
				"usr/lib/python3/dist-packages/aodh/storage/sqlalchemy/alembic/versions/a1_init.py":      revFile("a1", nil),
				"usr/lib/python3/dist-packages/aodh/storage/sqlalchemy/alembic/versions/b2_add_state.py": revFile("b2", "a1"),
			},
			dir: "usr/lib/python3/dist-packages/aodh/storage/sqlalchemy/alembic",
			want: []found{
				{Path: "usr/lib/python3/dist-packages/aodh/storage/sqlalchemy/alembic/versions/a1_init.py", Version: "a1", Name: "init", Order: 0},
				{Path: "usr/lib/python3/dist-packages/aodh/storage/sqlalchemy/alembic/versions/b2_add_state.py", Version: "b2", Name: "add_state", Order: 1},
			},
		},
		{
			name: "version_locations split on the os separator, recursive",
			fs: fstest.MapFS{
				"alembic.ini":                             file("[alembic]\nscript_location = db\nversion_locations = %(here)s/db/versions:%(here)s/plugins/billing/versions\nversion_path_separator = os\nrecursive_version_locations = true\n"),
				"db/versions/2024/a1_init.py":             revFile("a1", nil),
				"plugins/billing/versions/c3_invoices.py": revFile("c3", "a1", "branch_labels = ('billing',)"),
			},
			dir: ".",
			want: []found{
				{Path: "db/versions/2024/a1_init.py", Version: "a1", Name: "init", Order: 0},
				{Path: "plugins/billing/versions/c3_invoices.py", Version: "c3", Name: "invoices", Order: 1},
			},
		},
		{
			name: "legacy version_locations split on spaces and commas",
			fs: fstest.MapFS{
				"alembic.ini":          file("[alembic]\nscript_location = db\nversion_locations = one, two\n"),
				"one/a1_init.py":       revFile("a1", nil),
				"two/b2_second.py":     revFile("b2", "a1"),
				"db/versions/zz.py":    revFile("zz", nil), // not a version location any more
				"two/__pycache__/x.py": revFile("x", nil),
			},
			dir: ".",
			want: []found{
				{Path: "one/a1_init.py", Version: "a1", Name: "init", Order: 0},
				{Path: "two/b2_second.py", Version: "b2", Name: "second", Order: 1},
			},
		},
		{
			name: "pyproject.toml",
			fs: fstest.MapFS{
				"pyproject.toml":         file("[tool.alembic]\nscript_location = \"%(here)s/alembic\"\n"),
				"alembic/versions/a1.py": revFile("a1", nil),
			},
			dir:  ".",
			want: []found{{Path: "alembic/versions/a1.py", Version: "a1", Name: "a1", Order: 0}},
		},
		{
			name: "branches, a merge and depends_on, with a second base",
			fs: fstest.MapFS{
				"versions/1000_base.py":     revFile("1000", nil),
				"versions/2000_core.py":     revFile("2000", "1000"),
				"versions/3b00_search.py":   revFile("3b00", "2000"),
				"versions/3a00_billing.py":  revFile("3a00", "2000", "branch_labels = ('billing',)"),
				"versions/3a10_billing2.py": revFile("3a10", "3a00"),
				"versions/4000_merge.py":    revFile("4000", []string{"3a10", "3b00"}),
				"versions/0f00_reports.py":  revFile("0f00", nil, "branch_labels = ('reports',)"),
				"versions/0f10_reports2.py": revFile("0f10", "0f00", "depends_on = 'billing'"),
				"versions/5000_after.py":    revFile("5000", "4000"),
			},
			dir: ".",
			// 0f00 is the smallest base; its branch waits for billing
			// (depends_on), so the walk goes to 1000 and down; at the
			// branch point it takes the smaller id (3a00), follows that
			// branch to its end, then the other; the merge comes after
			// both parents.
			want: []found{
				{Path: "versions/0f00_reports.py", Version: "0f00", Name: "reports", Order: 0},
				{Path: "versions/1000_base.py", Version: "1000", Name: "base", Order: 1},
				{Path: "versions/2000_core.py", Version: "2000", Name: "core", Order: 2},
				{Path: "versions/3a00_billing.py", Version: "3a00", Name: "billing", Order: 3},
				{Path: "versions/0f10_reports2.py", Version: "0f10", Name: "reports2", Order: 4},
				{Path: "versions/3a10_billing2.py", Version: "3a10", Name: "billing2", Order: 5},
				{Path: "versions/3b00_search.py", Version: "3b00", Name: "search", Order: 6},
				{Path: "versions/4000_merge.py", Version: "4000", Name: "merge", Order: 7},
				{Path: "versions/5000_after.py", Version: "5000", Name: "after", Order: 8},
			},
		},
		{
			name: "file names from a dated file_template",
			fs: fstest.MapFS{
				"versions/2024_03_01_1015-1975ea83b712_create_users.py": revFile("1975ea83b712", nil),
			},
			dir:  ".",
			want: []found{{Path: "versions/2024_03_01_1015-1975ea83b712_create_users.py", Version: "1975ea83b712", Name: "create_users", Order: 0}},
		},
		{
			// glance: branch_labels = ('ocata01', migration.CONTRACT_BRANCH).
			name: "branch_labels naming a constant: the revision is placed, its literal labels kept",
			fs: fstest.MapFS{
				"versions/a1_init.py":     revFile("a1", nil),
				"versions/b2_contract.py": revFile("b2", "a1", "branch_labels = ('ocata01', migration.CONTRACT_BRANCH)"),
				"versions/b0_after.py":    revFile("b0", "a1", "depends_on = 'ocata01'"),
				"versions/c1_expand.py":   revFile("c1", "b2", "branch_labels = migration.EXPAND_BRANCH"),
			},
			dir: "versions",
			want: []found{
				{Path: "versions/a1_init.py", Version: "a1", Name: "init", Order: 0},
				{Path: "versions/b2_contract.py", Version: "b2", Name: "contract", Order: 1},
				{Path: "versions/b0_after.py", Version: "b0", Name: "after", Order: 2}, // waits for ocata01
				{Path: "versions/c1_expand.py", Version: "c1", Name: "expand", Order: 3},
			},
		},
		{
			name: "problems: unknown parent, duplicate, cycle, unreadable header",
			fs: fstest.MapFS{
				"versions/a1_init.py":  revFile("a1", nil),
				"versions/b2_lost.py":  revFile("b2", "zz"),
				"versions/c3_one.py":   revFile("c3", "a1"),
				"versions/c3_two.py":   revFile("c3", "a1"),
				"versions/d4_cycle.py": revFile("d4", "e5"),
				"versions/e5_cycle.py": revFile("e5", "d4"),
				"versions/f6_dyn.py":   file("revision = 'f6'\ndown_revision = compute_parent()\n"),
				"versions/helpers.py":  file("def helper():\n    pass\n"),
			},
			dir: "versions",
			// A revision whose parent is unknown is a base; the duplicate
			// c3 is ordered like any other revision.
			want: []found{
				{Path: "versions/a1_init.py", Version: "a1", Name: "init", Order: 0},
				{Path: "versions/c3_one.py", Version: "c3", Name: "one", Order: 1, Problems: []string{
					"revision c3 is also declared by versions/c3_two.py: alembic warns and uses only one of them"}},
				{Path: "versions/b2_lost.py", Version: "b2", Name: "lost", Order: 2, Problems: []string{
					`down_revision zz is not a known revision: alembic fails with "Revision zz referenced from b2 is not present"`}},
				{Path: "versions/c3_two.py", Version: "c3", Name: "two", Order: 3, Problems: []string{
					"revision c3 is also declared by versions/c3_one.py: alembic warns and uses only one of them"}},
				{Path: "versions/f6_dyn.py", Version: "f6", Name: "dyn", Order: 4, Problems: []string{
					"down_revision is not a string, a tuple of strings or None: schemagate cannot place this revision"}},
				{Path: "versions/d4_cycle.py", Version: "d4", Name: "cycle", Order: 5, Problems: []string{
					"revision d4 is part of a cycle of down_revision/depends_on: alembic refuses to run"}},
				{Path: "versions/e5_cycle.py", Version: "e5", Name: "cycle", Order: 6, Problems: []string{
					"revision e5 is part of a cycle of down_revision/depends_on: alembic refuses to run"}},
			},
			skipped: []migration.Skipped{{Path: "versions/helpers.py", Reason: "no `revision = \"...\"` assignment: alembic refuses to load this file"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, err := New().Discover(c.fs, c.dir, migration.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if set.Format != migration.FormatAlembic || set.Dir != c.dir {
				t.Errorf("set format %q dir %q", set.Format, set.Dir)
			}
			got, skipped := summarize(set)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("migrations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.skipped, skipped); diff != "" {
				t.Errorf("skipped (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiscoverErrors(t *testing.T) {
	cases := []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"no project", fstest.MapFS{"x.sql": file("SELECT 1;")}, ".: no alembic.ini, and no versions/ directory of alembic revision files"},
		{"no script_location", fstest.MapFS{"alembic.ini": file("[alembic]\nsqlalchemy.url = postgresql://\n")}, "alembic.ini: no script_location in the [alembic] section"},
		{"absolute script_location", fstest.MapFS{"alembic.ini": file("[alembic]\nscript_location = /srv/app/alembic\n")}, `alembic.ini: script_location "/srv/app/alembic" is an absolute path: run schemagate on the migration directory itself`},
		{"missing versions directory", fstest.MapFS{"alembic.ini": file("[alembic]\nscript_location = alembic\n")}, "alembic/versions: open alembic/versions: file does not exist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New().Discover(c.fs, ".", migration.Options{})
			if err == nil || err.Error() != c.want {
				t.Errorf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func TestDiscoverSkipsLargeFiles(t *testing.T) {
	fs := fstest.MapFS{"versions/a1_big.py": revFile("a1", nil)}
	set, err := New().Discover(fs, ".", migration.Options{MaxFileSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []migration.Skipped{{Path: "versions/a1_big.py", Reason: "larger than 0 MiB"}}
	if diff := cmp.Diff(want, set.Skipped); diff != "" || len(set.Migrations) != 0 {
		t.Errorf("skipped (-want +got):\n%s\nmigrations: %d", diff, len(set.Migrations))
	}
}

func TestFormat(t *testing.T) {
	if got := New().Format(); got != migration.FormatAlembic {
		t.Errorf("Format() = %q", got)
	}
}

func TestApplied(t *testing.T) {
	fs := fstest.MapFS{
		"versions/1000_base.py":    revFile("1000", nil),
		"versions/2000_core.py":    revFile("2000", "1000"),
		"versions/3a00_billing.py": revFile("3a00", "2000", "branch_labels = ('billing',)"),
		"versions/3b00_search.py":  revFile("3b00", "2000"),
		"versions/4000_merge.py":   revFile("4000", []string{"3a00", "3b00"}),
		"versions/0f00_reports.py": revFile("0f00", nil, "depends_on = 'billing'"),
	}
	set, err := New().Discover(fs, ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		heads []string
		want  map[string]bool
	}{
		{nil, map[string]bool{}},
		{[]string{"3b00"}, map[string]bool{"1000": true, "2000": true, "3b00": true}},
		{[]string{"3b00", "0f00"}, map[string]bool{"1000": true, "2000": true, "3a00": true, "3b00": true, "0f00": true}},
		{[]string{"4000"}, map[string]bool{"1000": true, "2000": true, "3a00": true, "3b00": true, "4000": true}},
		{[]string{"gone"}, map[string]bool{}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, Applied(set.Migrations, c.heads)); diff != "" {
			t.Errorf("Applied(%v) (-want +got):\n%s", c.heads, diff)
		}
	}
}
