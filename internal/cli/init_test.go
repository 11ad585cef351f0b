package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/testutil"
)

// readDirs is what lint -v says it read: one "read DIR: FORMAT, N
// migration(s)" per directory, without how it was found.
func readDirs(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if rest, ok := strings.CutPrefix(line, "schemagate: read "); ok {
			if i := strings.Index(rest, " ("); i >= 0 {
				rest = rest[:i]
			}
			out = append(out, rest)
		}
	}
	return out
}

// init writes a config that reads the same migrations as discovery, with
// the PostgreSQL version and the strong_migrations note; it refuses to
// overwrite without --force, and prints the next step for the project's CI.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	testutil.CopyTree(t, filepath.Join(repoRoot(t), "testdata", "check", "rails-post-migrate-convention", "new"), dir)
	files := map[string]string{
		".gitlab-ci.yml":                           "test:\n  services:\n    - postgres:14.9\n  script: [bin/rails test]\n",
		"docker-compose.yml":                       "services:\n  db:\n    image: postgres:15\n",
		"config/initializers/strong_migrations.rb": "StrongMigrations.target_version = 15\n",
	}
	writeFilesUnder(t, dir, files)

	_, _, discovered := run(t, dir, "", "lint", "-v")
	code, out, stderr := run(t, dir, "", "init")
	if code != ExitClean {
		t.Fatalf("init: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "wrote schemagate.yaml: 2 migration directories, PostgreSQL 14") {
		t.Errorf("init's summary: %s", stderr)
	}
	for _, want := range []string{"GitLab CI (.gitlab-ci.yml)", "--format gitlab", "codequality"} {
		if !strings.Contains(out, want) {
			t.Errorf("next steps lack %q:\n%s", want, out)
		}
	}
	written, err := os.ReadFile(filepath.Join(dir, "schemagate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pg-version: 14\n", "  - dir: db/post_migrate\n    format: rails", "post-deploy: true", "config/initializers/strong_migrations.rb exists", "# changed-from: origin/main"} {
		if !strings.Contains(string(written), want) {
			t.Errorf("schemagate.yaml lacks %q:\n%s", want, written)
		}
	}
	_, _, configured := run(t, dir, "", "lint", "-v")
	if diff := cmp.Diff(readDirs(discovered), readDirs(configured)); diff != "" || len(readDirs(configured)) != 2 {
		t.Errorf("lint reads other migrations with the config init wrote (-discovered +configured):\n%s\n%s", diff, configured)
	}

	// A second init refuses and leaves the file alone; --force rewrites it.
	if err := os.WriteFile(filepath.Join(dir, "schemagate.yaml"), []byte("pg-version: 13\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = run(t, dir, "", "init")
	if code != ExitError || out != "" || !strings.Contains(stderr, "--force") {
		t.Errorf("init over an existing config: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "schemagate.yaml")); string(data) != "pg-version: 13\n" {
		t.Errorf("the existing config was changed: %q", data)
	}
	if code, _, stderr = run(t, dir, "", "init", "--force"); code != ExitClean {
		t.Fatalf("init --force: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "schemagate.yaml")); string(data) != string(written) {
		t.Errorf("init --force wrote another config:\n%s", data)
	}
}

// A project with no CI and SQL migrations: the next step says so.
func TestInitWithoutCI(t *testing.T) {
	dir := t.TempDir()
	testutil.CopyTree(t, filepath.Join(repoRoot(t), "testdata", "examples", "golang-migrate"), filepath.Join(dir, "migrations"))
	code, out, stderr := run(t, "", "", "init", dir)
	if code != ExitClean || !strings.Contains(out, "No CI configuration found") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "schemagate.yaml"))
	if err != nil || !strings.Contains(string(data), "  - dir: migrations\n    format: golang-migrate") || !strings.Contains(string(data), "# pg-version: 16") {
		t.Errorf("%v\n%s", err, data)
	}
	if code, _, stderr := run(t, "", "", "init", filepath.Join(dir, "nope")); code != ExitError || !strings.Contains(stderr, "not a directory") {
		t.Errorf("init of a missing directory: exit %d, %s", code, stderr)
	}
}
