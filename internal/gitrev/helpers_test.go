package gitrev

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testRepo is a real git repository in a temporary directory. Every git
// command runs with a fixed author, committer and clock and without the
// user's configuration, so commit ids are the same on every run.
type testRepo struct {
	tb   testing.TB
	dir  string
	tick int64 // commits so far: each gets its own timestamp
}

func newTestRepo(tb testing.TB) *testRepo {
	tb.Helper()
	r := &testRepo{tb: tb, dir: tb.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

func testGitEnv(when int64) []string {
	if when == 0 {
		when = 1700000000
	}
	date := fmt.Sprintf("%d +0000", when)
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Schemagate Test",
		"GIT_AUTHOR_EMAIL=test@schemagate.invalid",
		"GIT_AUTHOR_DATE="+date,
		"GIT_COMMITTER_NAME=Schemagate Test",
		"GIT_COMMITTER_EMAIL=test@schemagate.invalid",
		"GIT_COMMITTER_DATE="+date,
	)
}

// runGit runs git in dir and returns its trimmed stdout, failing the test
// on error.
func runGit(tb testing.TB, dir string, when int64, stdin []byte, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = testGitEnv(when)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) when() int64 { return 1700000000 + r.tick*3600 }

func (r *testRepo) git(args ...string) string {
	r.tb.Helper()
	return runGit(r.tb, r.dir, r.when(), nil, args...)
}

func (r *testRepo) write(name, content string, mode os.FileMode) {
	r.tb.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		r.tb.Fatal(err)
	}
	// WriteFile keeps the mode of an existing file.
	if err := os.Chmod(p, mode); err != nil {
		r.tb.Fatal(err)
	}
}

func (r *testRepo) symlink(name, target string) {
	r.tb.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(name))
	os.Remove(p)
	if err := os.Symlink(target, p); err != nil {
		r.tb.Fatal(err)
	}
}

func (r *testRepo) remove(name string) {
	r.tb.Helper()
	if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(name))); err != nil {
		r.tb.Fatal(err)
	}
}

func (r *testRepo) rename(from, to string) {
	r.tb.Helper()
	if err := os.Rename(filepath.Join(r.dir, filepath.FromSlash(from)), filepath.Join(r.dir, filepath.FromSlash(to))); err != nil {
		r.tb.Fatal(err)
	}
}

// commit stages everything in the work tree plus the given gitlinks
// (path -> commit id) and commits; it returns the commit id.
func (r *testRepo) commit(msg string, gitlinks map[string]string) string {
	r.tb.Helper()
	r.tick++
	r.git("add", "-A")
	for p, id := range gitlinks {
		r.git("update-index", "--add", "--cacheinfo", "160000,"+id+","+p)
	}
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// entry is what a test expects at one path of a revision.
type entry struct {
	Mode    string // fs.FileMode.String()
	Content string // file content, symlink target; empty for submodules
}

// scenario is a repository with three commits on main: v1, v2 (files
// added, modified, deleted, renamed, a symlink retargeted) and v3 (same
// tree as v2, only a new message). want1/want2 hold what the test wrote.
type scenario struct {
	repo         *testRepo
	v1, v2, v3   string
	want1, want2 map[string]entry
	submodule    string // commit id the gitlink pins
}

const guide = `# Deploying schema changes

1. Add the new column, nullable, in its own migration.
2. Ship code that writes both columns.
3. Backfill in batches.
4. Ship code that reads only the new column.
5. Drop the old column a release later.
`

func newScenario(tb testing.TB) *scenario {
	tb.Helper()
	r := newTestRepo(tb)
	s := &scenario{repo: r, submodule: "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"}
	regular := map[string]string{
		"db/migrate/001_create_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n",
		"db/migrate/002_add_email.sql":    "ALTER TABLE users ADD COLUMN email text;\n",
		"app/models/user.rb":              "class User < ApplicationRecord\nend\n",
		"docs/old guide.md":               guide,
		"queries/ünïcode report.sql":      "SELECT name, email FROM users WHERE name <> 'ü';\n",
		"assets/logo.bin":                 "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\xff\xfe\x00",
		"legacy/latin1.txt":               "caf\xe9 cr\xe8me br\xfbl\xe9e\n",
		"a/b/c/d/deep.sql":                "SELECT 1;\n",
		// Names git orders differently from io/fs next to directory "a".
		"a.sql":         "SELECT 'a';\n",
		"a-b.sql":       "SELECT 'a-b';\n",
		"a0.sql":        "SELECT 'a0';\n",
		"remove_me.sql": "SELECT legacy_flag FROM users;\n",
	}
	for p, c := range regular {
		r.write(p, c, 0o644)
	}
	r.write("bin/migrate", "#!/bin/sh\nexec psql -f \"$1\"\n", 0o755)
	r.symlink("current.sql", "db/migrate/002_add_email.sql")
	gitlinks := map[string]string{"vendor/pgkit": s.submodule}
	s.v1 = r.commit("v1: users", gitlinks)

	s.want1 = map[string]entry{
		"bin/migrate":  {Mode: "-rwxr-xr-x", Content: "#!/bin/sh\nexec psql -f \"$1\"\n"},
		"current.sql":  {Mode: "Lrwxrwxrwx", Content: "db/migrate/002_add_email.sql"},
		"vendor/pgkit": {Mode: "drwxr-xr-x"},
	}
	for p, c := range regular {
		s.want1[p] = entry{Mode: "-rw-r--r--", Content: c}
	}

	s.want2 = map[string]entry{}
	for p, e := range s.want1 {
		s.want2[p] = e
	}
	user := "class User < ApplicationRecord\n  self.ignored_columns += [\"legacy_flag\"]\nend\n"
	r.write("app/models/user.rb", user, 0o644)
	s.want2["app/models/user.rb"] = entry{Mode: "-rw-r--r--", Content: user}
	r.remove("remove_me.sql")
	delete(s.want2, "remove_me.sql")
	r.rename("docs/old guide.md", "docs/new guide.md")
	s.want2["docs/new guide.md"] = s.want2["docs/old guide.md"]
	delete(s.want2, "docs/old guide.md")
	drop := "ALTER TABLE users DROP COLUMN legacy_flag;\n"
	r.write("db/migrate/003_drop_legacy.sql", drop, 0o644)
	s.want2["db/migrate/003_drop_legacy.sql"] = entry{Mode: "-rw-r--r--", Content: drop}
	r.symlink("current.sql", "db/migrate/003_drop_legacy.sql")
	s.want2["current.sql"] = entry{Mode: "Lrwxrwxrwx", Content: "db/migrate/003_drop_legacy.sql"}
	s.v2 = r.commit("v2: drop legacy_flag", gitlinks)

	s.v3 = r.commit("v3: release notes only", gitlinks)
	return s
}

// generateRepo makes a repository with one commit of n files spread over
// nested directories, through one git fast-import, and returns the files.
func generateRepo(tb testing.TB, n int) (dir string, files map[string]string) {
	tb.Helper()
	dir = tb.TempDir()
	runGit(tb, dir, 1700000000, nil, "init", "-q", "-b", "main")
	files = make(map[string]string, n)
	var blobs, tree bytes.Buffer
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("pkg%02d/sub%d/file%05d.sql", i%50, i%7, i)
		content := fmt.Sprintf("-- file %d\nSELECT id, name, email FROM users WHERE id = %d;\n%s", i, i, strings.Repeat("-- padding\n", i%40))
		files[p] = content
		fmt.Fprintf(&blobs, "blob\nmark :%d\ndata %d\n%s\n", i+1, len(content), content)
		fmt.Fprintf(&tree, "M 100644 :%d %s\n", i+1, p)
	}
	msg := "generated"
	fmt.Fprintf(&blobs, "commit refs/heads/main\ncommitter Schemagate Test <test@schemagate.invalid> 1700000000 +0000\ndata %d\n%s\n", len(msg), msg)
	blobs.Write(tree.Bytes())
	runGit(tb, dir, 1700000000, blobs.Bytes(), "fast-import", "--quiet")
	return dir, files
}

// readAll reads every entry of a revision the way a caller would: an
// fs.WalkDir that reads files and symlinks and records submodules.
func readAll(tb testing.TB, f *RevFS) map[string]entry {
	tb.Helper()
	got := map[string]entry{}
	err := fs.WalkDir(f, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		e := entry{Mode: info.Mode().String()}
		if _, ok := f.Gitlink(p); ok {
			got[p] = e
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := f.ReadFile(p)
		if err != nil {
			return err
		}
		e.Content = string(data)
		got[p] = e
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}
