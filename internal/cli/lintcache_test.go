package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/lintcache"
)

// TestLintCache: a second lint of the same files reads the first one's
// findings from the cache and reports exactly the same; an edit, a
// severity set on the command line or --no-cache lint again.
func TestLintCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(lintcache.DirEnv, cache)
	dir := t.TempDir()
	mig := filepath.Join(dir, "db", "001_index.sql")
	if err := os.MkdirAll(filepath.Dir(mig), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(text string) {
		if err := os.WriteFile(mig, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("CREATE INDEX users_email ON users (email);\nALTER TABLE users ADD COLUMN name varchar(20);\n")
	entries := func() int {
		ents, err := os.ReadDir(cache)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return len(ents)
	}
	lint := func(args ...string) (int, string) {
		code, out, errOut := run(t, dir, "", append([]string{"lint", "--format", "json", "db"}, args...)...)
		if code != ExitFindings {
			t.Fatalf("lint %v: exit %d, want %d\n%s", args, code, ExitFindings, errOut)
		}
		return code, out
	}

	_, cold := lint("--no-cache")
	if n := entries(); n != 0 {
		t.Fatalf("--no-cache wrote %d entries", n)
	}
	_, first := lint()
	if n := entries(); n != 1 {
		t.Fatalf("%d entries after a lint, want 1", n)
	}
	_, warm := lint()
	if n := entries(); n != 1 {
		t.Errorf("%d entries after a lint that hit, want 1", n)
	}
	for name, got := range map[string]string{"first": first, "warm": warm} {
		if diff := cmp.Diff(cold, got); diff != "" {
			t.Errorf("%s run differs from the uncached one (-want +got):\n%s", name, diff)
		}
	}
	// Text report from the cache as well.
	_, textCold, _ := run(t, dir, "", "lint", "--no-cache", "db")
	_, textWarm, _ := run(t, dir, "", "lint", "db")
	if diff := cmp.Diff(textCold, textWarm); diff != "" {
		t.Errorf("text report from the cache (-want +got):\n%s", diff)
	}

	_, severity := lint("--rule", "prefer-text-field=error")
	if severity == warm {
		t.Error("a severity set on the command line gave the cached report")
	}
	write("CREATE INDEX users_email ON users (email);\n")
	_, edited := lint()
	if edited == warm {
		t.Error("an edited migration gave the cached report")
	}
	_, editedCold := lint("--no-cache")
	if diff := cmp.Diff(editedCold, edited); diff != "" {
		t.Errorf("edited run (-want +got):\n%s", diff)
	}
}

// TestLintMemo: a lint of directories whose every entry is as it was
// prints the report an earlier run kept (lintcache.Memo), the same as an
// uncached run; an edit (even one that keeps the size and modification
// time), a new or a removed file lint again; a tree changed within
// lintcache.Racy of the run is not kept.
func TestLintMemo(t *testing.T) {
	racy := lintcache.Racy
	lintcache.Racy = -time.Hour // the test's files are seconds old
	t.Cleanup(func() { lintcache.Racy = racy })
	cache := t.TempDir()
	t.Setenv(lintcache.DirEnv, cache)
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	if err := os.MkdirAll(db, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(db, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("001_index.sql", "CREATE INDEX users_email ON users (email);\nALTER TABLE users ADD COLUMN name varchar(20);\n")
	entries := func() int {
		n := 0
		_ = filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".entry") {
				n++
			}
			return nil
		})
		return n
	}
	lint := func(args ...string) string {
		t.Helper()
		code, out, errOut := run(t, dir, "", append([]string{"lint", "--format", "json", "db"}, args...)...)
		if code != ExitFindings {
			t.Fatalf("lint %v: exit %d, want %d\n%s", args, code, ExitFindings, errOut)
		}
		return out
	}
	same := func(what, want, got string) {
		t.Helper()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-uncached +cached):\n%s", what, diff)
		}
	}

	cold := lint("--no-cache")
	same("first run", cold, lint())
	if n := entries(); n != 2 {
		t.Fatalf("%d cache entries after a run, want 2 (findings and the report)", n)
	}
	same("warm run", cold, lint())
	if n := entries(); n != 2 {
		t.Errorf("%d cache entries after a warm run, want 2", n)
	}

	// Same size, same modification time: the change time tells.
	p := filepath.Join(db, "001_index.sql")
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	write("001_index.sql", "CREATE INDEX users_email ON staff (email);\nALTER TABLE users ADD COLUMN name varchar(20);\n")
	if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
		t.Fatal(err)
	}
	edited := lint()
	if edited == cold {
		t.Error("an edited migration gave the kept report")
	}
	same("edited", lint("--no-cache"), edited)

	write("002_more.sql", "ALTER TABLE users ALTER COLUMN name TYPE text;\n")
	added := lint()
	same("a migration added", lint("--no-cache"), added)
	if added == edited {
		t.Error("a new migration gave the kept report")
	}
	if err := os.Remove(filepath.Join(db, "002_more.sql")); err != nil {
		t.Fatal(err)
	}
	same("a migration removed", edited, lint())
	same("a flag changed", lint("--no-cache", "--rule", "prefer-text-field=error"), lint("--rule", "prefer-text-field=error"))

	// Files changed a moment ago may change again unseen: not kept.
	lintcache.Racy = racy
	t.Setenv(lintcache.DirEnv, t.TempDir())
	cache = os.Getenv(lintcache.DirEnv)
	write("003_new.sql", "DROP TABLE old_users;\n")
	same("racy", lint("--no-cache"), lint())
	if n := entries(); n != 1 {
		t.Errorf("%d cache entries after a run over files changed just now, want 1 (findings only)", n)
	}
}
