package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/testutil"
)

// findingFiles lists the files of the findings of a gcc-format report.
func findingFiles(out string) []string {
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if file, _, ok := strings.Cut(line, ":"); ok && line != "" {
			files = append(files, file)
		}
	}
	return files
}

// lint --changed-from reports the migrations added or modified since a
// revision (committed, staged, or not yet added) and nothing of the
// others, which still build the schema the changed ones are checked
// against; changed-from in the config does the same.
func TestLintChangedFrom(t *testing.T) {
	repo := t.TempDir()
	testutil.Git(t, repo, "init", "-q", "-b", "main")
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("db/migrations/001_tables.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, total int);\n")
	write("db/migrations/002_users_email.up.sql", "CREATE INDEX users_email ON users (email);\n")
	write("db/migrations/003_orders_total.up.sql", "CREATE INDEX orders_total ON orders (total);\n")
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "base")
	testutil.Git(t, repo, "branch", "base")

	// Nothing changed: a clean run that says what it looked at.
	code, out, stderr := run(t, repo, "", "lint", "--changed-from", "base")
	if code != ExitClean || !strings.Contains(out, "0 migrations added or modified since base (of 3 linted)") {
		t.Fatalf("no change: exit %d\n%s\n%s", code, out, stderr)
	}

	// A committed migration, a modified one, and one not yet added.
	write("db/migrations/004_orders_status.up.sql", "ALTER TABLE orders ADD COLUMN status text NOT NULL;\n")
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "status")
	write("db/migrations/003_orders_total.up.sql", "CREATE INDEX orders_total ON orders (total);\nCREATE INDEX orders_id ON orders (id);\n")
	// The type the first migration gave the column decides this finding.
	write("db/migrations/005_users_email_type.up.sql", "ALTER TABLE users ALTER COLUMN email TYPE varchar(100);\n")

	wantFiles := []string{"db/migrations/003_orders_total.up.sql", "db/migrations/004_orders_status.up.sql", "db/migrations/005_users_email_type.up.sql"}
	code, out, stderr = run(t, repo, "", "lint", "--changed-from", "base", "--format", "gcc")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, stderr)
	}
	got := uniq(findingFiles(out))
	if diff := cmp.Diff(wantFiles, got); diff != "" {
		t.Errorf("files with findings (-want +got):\n%s\n%s", diff, out)
	}
	// The whole history reports the unchanged migration too.
	code, out, _ = run(t, repo, "", "lint", "--format", "gcc")
	if code != ExitFindings || !slices.Contains(findingFiles(out), "db/migrations/002_users_email.up.sql") {
		t.Errorf("whole-history lint: exit %d\n%s", code, out)
	}

	// From a subdirectory, with the revision in the config.
	write("schemagate.yaml", "changed-from: base\n")
	code, out, stderr = run(t, filepath.Join(repo, "db"), "", "lint", "--format", "gcc", "migrations")
	if code != ExitFindings {
		t.Fatalf("config changed-from: exit %d\n%s\n%s", code, out, stderr)
	}
	wantRel := []string{"migrations/003_orders_total.up.sql", "migrations/004_orders_status.up.sql", "migrations/005_users_email_type.up.sql"}
	if diff := cmp.Diff(wantRel, uniq(findingFiles(out))); diff != "" {
		t.Errorf("config changed-from, from db/ (-want +got):\n%s\n%s", diff, out)
	}
}

// A lint of every migration ends with the number of findings per rule;
// a lint of given paths or of a change does not.
func TestWholeHistoryLintSummarisesPerRule(t *testing.T) {
	repo := testutil.CommitScenario(t, filepath.Join(repoRoot(t), "testdata", "check", "go-sqlc-unsafe-drop"))
	code, out, _ := run(t, repo, "", "lint")
	if code != ExitFindings {
		t.Fatalf("exit %d\n%s", code, out)
	}
	_, summary, ok := strings.Cut(out, "\nper rule:\n")
	if !ok || !regexp.MustCompile(`(?m)^ +\d+  [a-z-]+ +(error|warning|hint)$`).MatchString(summary) {
		t.Errorf("no per-rule summary at the end:\n%s", out)
	}
	if _, out, _ := run(t, repo, "", "lint", "db"); strings.Contains(out, "per rule:") {
		t.Errorf("a lint of paths has a per-rule summary:\n%s", out)
	}
}

func uniq(s []string) []string {
	var out []string
	for _, x := range s {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}
