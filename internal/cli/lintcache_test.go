package cli

import (
	"os"
	"path/filepath"
	"testing"

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
