package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemagate/schemagate/internal/testutil"
)

// deepExpr has 25,000 chained terms: PostgreSQL's C parser overflowed its
// stack on it and every command died with SIGSEGV.
var deepExpr = "1" + strings.Repeat(" + 1", 25000)

func writeFilesUnder(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Every command reads a statement too deep to parse as a finding (or
// skips it, for references) and goes on: lint of SQL, Rails, Django and
// Alembic migrations, check (the statement in the deployed release's
// migrations, also in one deleted since, and in its code's SQL strings),
// refs and snapshot.
func TestDeepStatementEveryCommand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("CODEBUILD_RESOLVED_SOURCE_VERSION", "")
	scenario := t.TempDir()
	common := map[string]string{
		"db/migrations/001_create_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text, legacy_score integer);\n",
		"db/migrations/002_deep.sql":         "-- +goose Up\nSELECT " + deepExpr + ";\n",
		"internal/store/users.go": "package store\n\nconst score = `SELECT legacy_score FROM users WHERE id = $1`\n\n" +
			"const deep = `SELECT legacy_score FROM users WHERE id = " + deepExpr + "`\n",
	}
	writeFilesUnder(t, filepath.Join(scenario, "previous"), common)
	// A migration only the deployed release has (deleted since) is read too.
	writeFilesUnder(t, filepath.Join(scenario, "previous"), map[string]string{
		"db/migrations/000_gone.sql": "-- +goose Up\nSELECT " + deepExpr + ";\n",
	})
	writeFilesUnder(t, filepath.Join(scenario, "new"), common)
	writeFilesUnder(t, filepath.Join(scenario, "new"), map[string]string{
		"db/migrations/003_drop_score.sql": "-- +goose Up\nALTER TABLE users DROP COLUMN legacy_score;\n",
	})
	repo := testutil.CommitScenario(t, scenario)

	code, out, stderr := run(t, repo, "", "lint", "db/migrations")
	if code != ExitFindings || !strings.Contains(out, "statement-too-complex") || !strings.Contains(out, "nests 25000 levels deep") {
		t.Errorf("lint: exit %d, want %d with statement-too-complex:\n%s\n%s", code, ExitFindings, out, stderr)
	}
	code, out, stderr = run(t, repo, "", "check", "--previous", "previous")
	if code != ExitFindings || !strings.Contains(out, "drop-column") {
		t.Errorf("check: exit %d, want %d with drop-column:\n%s\n%s", code, ExitFindings, out, stderr)
	}
	code, out, stderr = run(t, repo, "", "refs", "--rev", "previous", "--column", "users.legacy_score")
	if code != ExitClean || !strings.Contains(out, "internal/store/users.go:3") {
		t.Errorf("refs: exit %d, want %d with the shallow query:\n%s\n%s", code, ExitClean, out, stderr)
	}
	code, _, stderr = run(t, repo, "", "snapshot", "--rev", "HEAD", "-o", filepath.Join(t.TempDir(), "s.json.gz"), "--no-cache")
	if code != ExitClean {
		t.Errorf("snapshot: exit %d: %s", code, stderr)
	}

	frameworks := t.TempDir()
	writeFilesUnder(t, frameworks, map[string]string{
		"rails/db/migrate/20240101000000_deep.rb": "class Deep < ActiveRecord::Migration[7.1]\n  def change\n    execute \"SELECT " + deepExpr + "\"\n  end\nend\n",
		"django/shop/migrations/__init__.py":      "",
		"django/shop/migrations/0001_deep.py": "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n" +
			"    operations = [\n        migrations.RunSQL(\"SELECT " + deepExpr + "\"),\n    ]\n",
		"alembic/alembic.ini": "[alembic]\nscript_location = alembic\n",
		"alembic/alembic/versions/0a1b2c3d4e5f_deep.py": "\"\"\"deep\n\nRevision ID: 0a1b2c3d4e5f\nRevises: \n\"\"\"\nfrom alembic import op\n\n" +
			"revision = '0a1b2c3d4e5f'\ndown_revision = None\n\n\ndef upgrade():\n    op.execute(\"SELECT " + deepExpr + "\")\n\n\ndef downgrade():\n    pass\n",
	})
	for _, c := range []struct{ format, dir string }{
		{"rails", "rails/db/migrate"},
		{"django", "django"},
		{"alembic", "alembic"},
	} {
		code, out, stderr := run(t, frameworks, "", "lint", "--migration-format", c.format, c.dir)
		if code != ExitFindings || !strings.Contains(out, "statement-too-complex") {
			t.Errorf("lint %s: exit %d, want %d with statement-too-complex:\n%s\n%s", c.format, code, ExitFindings, out, stderr)
		}
	}
}

// PostgreSQL ends a -- comment at a carriage return: a golang-migrate
// file with CR-only line ends has the same statements as its LF twin,
// so the implicit-transaction error is found in both (the splitter ran
// the comment to the end of the file and lint exited 0).
func TestCROnlyLineEndings(t *testing.T) {
	dir := t.TempDir()
	text := "-- first\nCREATE TABLE a (id bigint);\n-- second\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n"
	writeFilesUnder(t, dir, map[string]string{
		"lf/000001_x.up.sql": text,
		"cr/000001_x.up.sql": strings.ReplaceAll(text, "\n", "\r"),
	})
	for _, sub := range []string{"lf", "cr"} {
		code, out, stderr := run(t, dir, "", "lint", "--fail-on", "error", "--migration-format", "golang-migrate", sub)
		if code != ExitFindings || !strings.Contains(out, "concurrently-in-transaction") {
			t.Errorf("%s: exit %d, want %d with concurrently-in-transaction:\n%s\n%s", sub, code, ExitFindings, out, stderr)
		}
	}
}
