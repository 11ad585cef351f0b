package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// release2 is the next release of a tree: the same files and a changed
// README, so that both releases commit.
func release2(files map[string]string) map[string]string {
	next := map[string]string{"README.md": "release 2\n"}
	for p, text := range files {
		next[p] = text
	}
	return next
}

// errorDoc is what every JSON document says of a run's outcome.
type errorDoc struct {
	Command  string            `json:"command"`
	Status   string            `json:"status"`
	Error    string            `json:"error"`
	Findings []json.RawMessage `json:"findings"`
}

// Never a blind pass: every command, on a repository without migrations,
// exits 2 naming where it searched and the schemagate.yaml line that
// names the directory, in text and in JSON, and gate starts nothing.
func TestNoMigrationsIsAnError(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code := map[string]string{
		"cmd/app/main.go": "package main\n\nfunc main() {}\n",
		"queries/q.sql":   "SELECT id FROM users;\n",
	}
	repo := writeRepo(t, code, release2(code))
	marker := filepath.Join(t.TempDir(), "migrated")
	commands := map[string][]string{
		"lint":     {"lint"},
		"check":    {"check", "--previous", "previous"},
		"gate":     {"gate", "exec", "--previous", "previous", "--", "touch", marker},
		"verify":   {"verify", "--previous", "previous", "--no-cache"},
		"snapshot": {"snapshot", "-o", filepath.Join(t.TempDir(), "s.json")},
	}
	for name, args := range commands {
		for _, format := range []string{"text", "json"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				if name == "snapshot" && format == "json" {
					t.Skip("snapshot writes a snapshot, not a report")
				}
				argv := args
				if format == "json" {
					// Flags go before gate exec's --.
					argv = append([]string{args[0]}, append([]string{"--format", "json"}, args[1:]...)...)
					if name == "gate" {
						argv = append([]string{"gate", "exec", "--format", "json"}, args[2:]...)
					}
				}
				exit, out, stderr := run(t, repo, "", argv...)
				if exit != ExitError {
					t.Fatalf("exit %d, want 2\nstdout %s\nstderr %s", exit, out, stderr)
				}
				for _, want := range []string{"no migrations found", "searched every directory below it", "Rails db/migrate", "schemagate.yaml: migrations: [{dir: "} {
					if !strings.Contains(stderr, want) {
						t.Errorf("stderr lacks %q: %s", want, stderr)
					}
				}
				if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
					t.Errorf("not one line: %q", stderr)
				}
				if format == "json" {
					var doc errorDoc
					if err := json.Unmarshal([]byte(out), &doc); err != nil {
						t.Fatalf("stdout is not a JSON document: %v\n%s", err, out)
					}
					if doc.Status != "error" || !strings.Contains(doc.Error, "no migrations found") || doc.Command != name || len(doc.Findings) != 0 {
						t.Errorf("document %+v", doc)
					}
				}
				if _, err := os.Stat(marker); err == nil {
					t.Fatal("gate started the migration")
				}
			})
		}
	}
}

// gate --if-unchecked run starts the migration it could not check, and
// says so loudly.
func TestGateIfUncheckedRun(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code := map[string]string{"cmd/app/main.go": "package main\n\nfunc main() {}\n"}
	repo := writeRepo(t, code, release2(code))
	marker := filepath.Join(t.TempDir(), "migrated")
	exit, _, stderr := run(t, repo, "", "gate", "exec", "--previous", "previous", "--if-unchecked", "run", "--", "touch", marker)
	if exit != ExitClean {
		t.Fatalf("exit %d: %s", exit, stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Error("the migration did not run")
	}
	if !strings.Contains(stderr, "no migrations found") || !strings.Contains(stderr, "THE MIGRATION RUNS UNCHECKED") {
		t.Errorf("stderr %q", stderr)
	}
	exit, _, stderr = run(t, repo, "", "gate", "exec", "--previous", "previous", "--if-unchecked", "maybe", "--", "true")
	if exit != ExitError || !strings.Contains(stderr, "--if-unchecked") {
		t.Errorf("bad value: exit %d, %q", exit, stderr)
	}
}

// A directory that looks like migrations and gives nothing schemagate
// reads is an error that names it, even beside migrations it reads.
func TestUnreadMigrationsDirectoryIsAnError(t *testing.T) {
	files := map[string]string{
		"services/api/migrations/001_init.sql":                              "CREATE TABLE users (id bigint PRIMARY KEY);\n",
		"services/web/priv/repo/migrations/20240101000000_create_users.exs": "defmodule Web.Repo.Migrations.CreateUsers do\n  use Ecto.Migration\nend\n",
	}
	repo := writeRepo(t, files, release2(files))
	exit, out, stderr := run(t, repo, "", "lint", "--format", "json")
	if exit != ExitError {
		t.Fatalf("exit %d: %s", exit, stderr)
	}
	if !strings.Contains(stderr, "services/web/priv/repo/migrations (1 numbered .exs files") || !strings.Contains(stderr, "exclude: [services/web/priv/repo/migrations/**]") {
		t.Errorf("stderr %q", stderr)
	}
	var doc errorDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Status != "error" {
		t.Errorf("document %q (%v)", out, err)
	}
	// Excluded, the rest is linted.
	if err := os.WriteFile(filepath.Join(repo, "schemagate.yaml"), []byte("exclude: [\"services/web/**\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if exit, _, stderr := run(t, repo, "", "lint"); exit == ExitError {
		t.Errorf("with the exclude: exit %d: %s", exit, stderr)
	}
}

// Every run says which directories it read: one line in text, a
// migrations array in JSON; -v says what was passed over and why.
func TestRunsSayWhatTheyRead(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	prev := map[string]string{
		"packages/db/prisma/migrations/migration_lock.toml":               "provider = \"postgresql\"\n",
		"packages/db/prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE \"Post\" (\"id\" SERIAL NOT NULL, \"title\" TEXT NOT NULL);\n",
		"packages/api/queries/posts.sql":                                  "SELECT id, title FROM \"Post\";\n",
		"vendor/lib/migrations/001_x.sql":                                 "CREATE TABLE x (id int);\n",
	}
	repo := writeRepo(t, prev, release2(prev))
	exit, out, stderr := run(t, repo, "", "lint", "-v")
	if exit != ExitClean {
		t.Fatalf("exit %d: %s%s", exit, out, stderr)
	}
	if !strings.Contains(out, "migrations: packages/db/prisma/migrations (prisma, 1, discovered)\n") {
		t.Errorf("text output lacks the line:\n%s", out)
	}
	for _, want := range []string{
		"read packages/db/prisma/migrations: prisma, 1 migration(s) (discovered: Prisma migrations)",
		"not read packages/api/queries: 1 .sql files, none named like a migration",
		"not read vendor: skipped: vendored code",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-v lacks %q:\n%s", want, stderr)
		}
	}
	for _, args := range [][]string{{"lint", "--format", "json"}, {"check", "--previous", "previous", "--format", "json"}} {
		_, out, stderr := run(t, repo, "", args...)
		var doc struct {
			Status     string `json:"status"`
			Migrations []struct {
				Dir, Format, Found string
				Count              int
			} `json:"migrations"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out, stderr)
		}
		want := []struct {
			Dir, Format, Found string
			Count              int
		}{{"packages/db/prisma/migrations", "prisma", "discovered: Prisma migrations", 1}}
		if diff := cmp.Diff(want, doc.Migrations); diff != "" || doc.Status != "ok" {
			t.Errorf("%v: status %q, migrations (-want +got):\n%s", args, doc.Status, diff)
		}
	}
}

// A blob missing from the repository (a partial clone whose promisor is
// gone, a damaged mirror) outside the migration directories is a warning
// that names the file, never the end of the run.
func TestMissingBlobIsAWarning(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	prev := map[string]string{
		"db/migrations/001_users.sql":   "CREATE TABLE users (id bigint PRIMARY KEY, nickname text);\n",
		"internal/store/users.go":       "package store\n\nconst q = `SELECT id, nickname FROM users`\n",
		"internal/store/legacy_font.go": "package store\n\n// a vendored asset, as code\nconst font = `SELECT 1`\n",
	}
	next := release2(prev)
	next["db/migrations/002_drop.sql"] = "ALTER TABLE users DROP COLUMN nickname;\n"
	next["internal/store/users.go"] = "package store\n\nconst q = `SELECT id FROM users`\n"
	repo := writeRepo(t, prev, next)
	// The blob of the previous release's legacy_font.go goes missing.
	oid := strings.TrimSpace(gitOut(t, repo, "rev-parse", "previous:internal/store/legacy_font.go"))
	if err := os.Remove(filepath.Join(repo, ".git", "objects", oid[:2], oid[2:])); err != nil {
		t.Fatal(err)
	}
	exit, out, stderr := run(t, repo, "", "check", "--previous", "previous", "--no-cache", "--format", "json")
	if exit != ExitFindings {
		t.Fatalf("exit %d, want 1 (the drop): %s%s", exit, out, stderr)
	}
	var doc struct {
		Status   string   `json:"status"`
		Notes    []string `json:"notes"`
		Findings []struct {
			Rule, File string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	warned := false
	for _, n := range doc.Notes {
		warned = warned || strings.Contains(n, "warning: internal/store/legacy_font.go of") && strings.Contains(n, "not read")
	}
	if !warned || doc.Status != "findings" {
		t.Errorf("status %q, notes %q", doc.Status, doc.Notes)
	}
	found := false
	for _, f := range doc.Findings {
		found = found || f.Rule == "drop-column" && f.File == "db/migrations/002_drop.sql"
	}
	if !found {
		t.Errorf("the drop was not checked: %+v", doc.Findings)
	}
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return string(out)
}
