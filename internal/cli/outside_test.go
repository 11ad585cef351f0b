package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/schemagate/schemagate/internal/testutil"
)

const besideSecret = "STRIPE_SECRET_KEY=sk_live_beside_the_repo_7d1e"

// runBounded runs schemagate in dir and fails the test if it does not
// end: a FIFO opened for reading blocks until someone writes to it.
func runBounded(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := Main(args, strings.NewReader(""), &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(3 * time.Minute):
		t.Fatalf("%v did not end", args)
		return 0, "", ""
	}
}

// symlinkRepo is a repository whose migration directory links to a file
// inside it (followed) and to the .env beside it (never followed), both
// committed as git symlinks, plus a FIFO in the working tree.
func symlinkRepo(t *testing.T) string {
	t.Helper()
	repo := writeTree(t, map[string]string{
		"db/migrations/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
		"shared/sql/003_index.sql":    "CREATE INDEX users_email ON users (email);\n",
		"queries/users.sql":           "SELECT id, email FROM users WHERE id = $1;\n",
	})
	if err := os.WriteFile(filepath.Join(filepath.Dir(repo), ".env"), []byte(besideSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := func(p, target string) {
		if err := os.Symlink(target, filepath.Join(repo, p)); err != nil {
			t.Fatal(err)
		}
	}
	link("db/migrations/002_env.sql", "../../../.env")
	link("db/migrations/003_index.sql", "../../shared/sql/003_index.sql")
	link("queries/secrets.sql", "../../.env")
	testutil.Git(t, repo, "init", "-q", "-b", "main")
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "previous release")
	testutil.Git(t, repo, "tag", "previous")
	if err := os.WriteFile(filepath.Join(repo, "db/migrations/004_age.sql"), []byte("ALTER TABLE users ADD COLUMN age integer;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Git(t, repo, "add", "-A")
	testutil.Git(t, repo, "commit", "-q", "-m", "new release")
	if err := syscall.Mkfifo(filepath.Join(repo, "db/migrations/005_fifo.sql"), 0o644); err != nil {
		t.Fatal(err)
	}
	return repo
}

// No command follows a link out of the repository, in the working tree
// or in git, and none opens a FIFO; a link that stays inside is followed.
func TestFilesStayInsideTheRepository(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	repo := symlinkRepo(t)
	outside := "schemagate: db/migrations/002_env.sql: cannot read: symlink db/migrations/002_env.sql leads outside " + repo + " (to ../../../.env): not followed"
	tests := []struct {
		args     []string
		code     int
		contains []string // in stdout + stderr
	}{
		{[]string{"lint", "--color", "never"}, ExitError, []string{
			outside,
			"db/migrations/003_index.sql:1:1: warning[require-concurrent-index-creation]", // the inside link, followed
			"db/migrations/005_fifo.sql:1:1: warning[migration-format] a FIFO, not a regular file: skipped",
		}},
		{[]string{"lint", "db/migrations/002_env.sql"}, ExitError, []string{outside}},
		{[]string{"lint", "db/migrations/005_fifo.sql"}, ExitFindings, []string{"a FIFO, not a regular file: skipped"}},
		{[]string{"check", "--previous", "previous", "--color", "never"}, ExitError, []string{
			outside,
			"warning: db/migrations/005_fifo.sql: a FIFO, not a regular file: skipped",
		}},
		{[]string{"snapshot", "--revision", "r1", "--no-cache"}, ExitError, []string{
			"schemagate: db/migrations/002_env.sql: symlink db/migrations/002_env.sql leads outside " + repo + " (to ../../../.env): not followed"}},
		{[]string{"snapshot", "--rev", "previous", "--revision", "r0", "--no-cache"}, ExitError, []string{
			"schemagate: db/migrations/002_env.sql: symlink db/migrations/002_env.sql leads outside the tree of "}},
		{[]string{"refs", "--no-cache"}, ExitClean, []string{"users.email"}},
		{[]string{"refs", "--no-cache", "--rev", "previous"}, ExitClean, []string{"users.email"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, stderr := runBounded(t, repo, tt.args...)
			all := out + stderr
			if strings.Contains(all, "sk_live_beside") {
				t.Fatalf("the file beside the repository was read:\n%s", all)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s", code, tt.code, all)
			}
			for _, want := range tt.contains {
				if !strings.Contains(all, want) {
					t.Errorf("output lacks %q:\n%s", want, all)
				}
			}
		})
	}
}

// --max-file-size holds for framework migrations named on the command
// line, which are read on their own when their directory skips them.
func TestMaxFileSizeForNamedFrameworkFiles(t *testing.T) {
	big := "class AddNotes < ActiveRecord::Migration[7.1]\n  def change\n    add_column :orders, :notes, :text\n  end\nend\n" + strings.Repeat("# padding\n", 500)
	files := map[string]string{
		"db/migrate/20240501093000_add_notes.rb":        big,
		"app/migrations/0002_big.py":                    "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    operations = []\n" + strings.Repeat("# padding\n", 500),
		"alembic/versions/a1b2c3d4e5f6_big_revision.py": "revision = 'a1b2c3d4e5f6'\ndown_revision = None\n\ndef upgrade():\n    pass\n" + strings.Repeat("# padding\n", 500),
	}
	dir := writeTree(t, files)
	for p := range files {
		t.Run(p, func(t *testing.T) {
			code, out, stderr := runBounded(t, dir, "lint", "--max-file-size", "1000", p)
			want := "schemagate: " + p + ": larger than 1000 bytes"
			if code != ExitError || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, want 2 and %q\nstdout: %s\nstderr: %s", code, want, out, stderr)
			}
		})
	}
}
