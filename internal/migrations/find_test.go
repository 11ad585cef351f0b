package migrations

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/migration"
)

const (
	railsMigration = "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users\n  end\nend\n"
	djangoInitial  = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    initial = True\n    dependencies = []\n    operations = [\n        migrations.CreateModel(name=\"Order\", fields=[(\"id\", models.BigAutoField(primary_key=True))]),\n    ]\n"
	alembicRev     = "from alembic import op\nimport sqlalchemy as sa\n\nrevision = \"a1\"\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table(\"events\", sa.Column(\"id\", sa.Integer(), primary_key=True))\n"
	createTable    = "CREATE TABLE t (id bigint PRIMARY KEY);\n"
)

// monorepo is a tree with migrations of every kind at every depth, and
// the look-alikes discovery must pass over.
var monorepo = mapFSOf(map[string]string{
	"packages/db/prisma/migrations/migration_lock.toml":               "provider = \"postgresql\"\n",
	"packages/db/prisma/migrations/20240101000000_init/migration.sql": createTable,
	"apps/api/db/migrate/20240101000000_create_users.rb":              railsMigration,
	"apps/api/db/post_migrate/20240301000000_drop_karma.rb":           strings.Replace(railsMigration, "create_table :users", "remove_column :users, :karma", 1),
	"services/billing/migrations/00001_init.sql":                      "-- +goose Up\n" + createTable,
	"services/billing/migrations/00002_more.sql":                      "-- +goose Up\nALTER TABLE t ADD COLUMN a int;\n",
	"backend/shop/migrations/0001_initial.py":                         djangoInitial,
	"backend/shop/migrations/__init__.py":                             "",
	"tools/reports/alembic.ini":                                       "[alembic]\nscript_location = alembic\n",
	"tools/reports/alembic/versions/a1_events.py":                     alembicRev,
	"sql/001_schema.sql":                                              createTable,
	"sql/002_seed.sql":                                                "INSERT INTO t VALUES (1);\n",
	"database/migrations/V1__init.sql":                                createTable,
	// Not migrations, or not this project's.
	"queries/users.sql":                                     "SELECT id FROM users;\n",
	"vendor/github.com/x/y/migrations/001_x.sql":            createTable,
	"node_modules/pkg/migrations/001_x.sql":                 createTable,
	"web/testdata/migrations/001_x.sql":                     createTable,
	"api/tests/fixtures/migrations/0001_x.sql":              createTable,
	".git/objects/migrations/001.sql":                       createTable,
	"legacy/migrations/001_old.sql":                         createTable,
	"docs/examples/README.md":                               "# examples\n",
	"web/priv/repo/migrations/20240101000000_add_users.exs": "defmodule Web.Repo.Migrations.AddUsers do\n  use Ecto.Migration\nend\n",
	"services/billing/internal/store/queries.sql":           "SELECT 1;\n",
	"web/src/migrations/20240101000000_add_users.js":        "exports.up = (knex) => knex.raw('ALTER TABLE users ADD COLUMN nickname text');\n",
})

// Discovery finds every migration directory at any depth, in path
// order, and passes over vendored code, dependencies, tests, fixtures,
// hidden and excluded directories.
func TestFindMonorepo(t *testing.T) {
	res, err := Load(monorepo, Config{Exclude: []string{"legacy/**"}})
	if err != nil {
		t.Fatal(err)
	}
	type dir struct {
		Path   string
		Format migration.Format
		Count  int
		Post   bool
	}
	var got []dir
	for _, d := range res.Dirs {
		got = append(got, dir{d.Path, d.Format, d.Count, d.PostDeploy})
		if !strings.HasPrefix(d.Found, FoundDiscovered) {
			t.Errorf("%s: found %q", d.Path, d.Found)
		}
	}
	want := []dir{
		{"apps/api/db/migrate", migration.FormatRails, 1, false},
		{"apps/api/db/post_migrate", migration.FormatRails, 1, true},
		{"backend", migration.FormatDjango, 1, false},
		{"database/migrations", migration.FormatFlyway, 1, false},
		{"packages/db/prisma/migrations", migration.FormatPrisma, 1, false},
		{"services/billing/migrations", migration.FormatGoose, 2, false},
		{"sql", migration.FormatSQL, 2, false},
		{"tools/reports", migration.FormatAlembic, 1, false},
		{"web/src/migrations", migration.FormatKnex, 1, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("directories read (-want +got):\n%s", diff)
	}
	for _, m := range res.Migrations {
		for _, bad := range []string{"vendor/", "node_modules/", "testdata/", "fixtures/", ".git/", "legacy/"} {
			if strings.Contains(m.Path, bad) {
				t.Errorf("read %s", m.Path)
			}
		}
		if m.PostDeploy != strings.Contains(m.Path, "post_migrate") {
			t.Errorf("%s: post-deploy %v", m.Path, m.PostDeploy)
		}
	}
	rejected := map[string]string{}
	for _, r := range res.Rejected {
		rejected[r.Dir] = r.Reason
	}
	for dir, reason := range map[string]string{
		"queries":                         "none named like a migration",
		"vendor":                          "vendored code",
		"node_modules":                    "dependencies",
		"web/testdata":                    "test fixtures",
		"api/tests":                       "tests",
		"legacy":                          "exclude: legacy/**",
		"services/billing/internal/store": "none named like a migration",
	} {
		if !strings.Contains(rejected[dir], reason) {
			t.Errorf("%s: rejected as %q, want %q", dir, rejected[dir], reason)
		}
	}
	if diff := cmp.Diff([]Candidate{{"web/priv/repo/migrations", "1 numbered .exs files: migrations in a language schemagate does not read"}}, res.Unread); diff != "" {
		t.Errorf("unread (-want +got):\n%s", diff)
	}
	// The unread Ecto directory makes the run blind there: an error that
	// names it and the config line.
	err = res.Blind("the working tree")
	if err == nil || !strings.Contains(err.Error(), "web/priv/repo/migrations") || !strings.Contains(err.Error(), "schemagate.yaml") {
		t.Errorf("blind: %v", err)
	}
}

// Discovery is deterministic: the same tree gives the same directories,
// migrations and reasons, and Find agrees with Load.
func TestFindDeterministic(t *testing.T) {
	first, err := Load(monorepo, Config{})
	if err != nil {
		t.Fatal(err)
	}
	summary := func(r *Result) []string {
		var out []string
		for _, m := range r.Migrations {
			out = append(out, m.Path)
		}
		for _, c := range append(r.Rejected, r.Unread...) {
			out = append(out, c.Dir+": "+c.Reason)
		}
		return out
	}
	for i := 0; i < 3; i++ {
		again, err := Load(monorepo, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(summary(first), summary(again)); diff != "" {
			t.Fatalf("run %d differs:\n%s", i, diff)
		}
	}
	found := map[string]bool{}
	for _, d := range Find(monorepo, ".", nil) {
		found[d.Path] = true
	}
	for _, d := range first.Dirs {
		if d.Format != migration.FormatDjango && !found[d.Path] {
			t.Errorf("Find misses %s", d.Path)
		}
	}
	if !found["backend/shop/migrations"] {
		t.Error("Find gives the Django app's migrations directory")
	}
}

// Configured directories are read as configured, discovery does not run,
// and a per-directory format is honoured.
func TestLoadConfigured(t *testing.T) {
	res, err := Load(monorepo, Config{Dirs: []config.MigrationDir{{Dir: "sql", Format: "dbmate"}, {Dir: "nowhere"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Dirs) != 1 || res.Dirs[0].Found != FoundConfigured || res.Dirs[0].Format != migration.FormatDbmate {
		t.Errorf("dirs %+v", res.Dirs)
	}
	if diff := cmp.Diff([]string{"nowhere"}, res.Missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	if res.Root != "" || res.Rejected != nil {
		t.Errorf("discovery ran: root %q, rejected %v", res.Root, res.Rejected)
	}
}

// A tree without migrations is an error that says where discovery looked
// and the schemagate.yaml line that names a directory.
func TestBlindWithoutMigrations(t *testing.T) {
	tree := fstest.MapFS{"src/main.go": {Data: []byte("package main\n")}, "queries/q.sql": {Data: []byte("SELECT 1;\n")}}
	res, err := Load(tree, Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = res.Blind("the working tree")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"no migrations found in the working tree", "every directory below it", "Rails db/migrate", "alembic.ini", "schemagate.yaml: migrations: [{dir: "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("not one line: %q", err)
	}
	// Below a config's directory, the message names it.
	res, _ = Load(tree, Config{Root: "src"})
	if err := res.Blind("abc1234"); err == nil || !strings.Contains(err.Error(), "in src of abc1234") {
		t.Errorf("%v", err)
	}
}
