package safefs

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestWithinAnswersAsBefore: Within answers most calls from a root at the
// migration directory itself; every answer, errors included, must be
// what the repository root alone gives for the same path.
func TestWithinAnswersAsBefore(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	for p, text := range map[string]string{
		"../.env":                        "secret\n",
		".git/HEAD":                      "ref: refs/heads/main\n",
		"db/migrations/001_users.sql":    "CREATE TABLE users (id bigint);\n",
		"shared/002_orders.sql":          "CREATE TABLE orders (id bigint);\n",
		"shared/nested/003_products.sql": "CREATE TABLE products (id bigint);\n",
	} {
		full := filepath.Join(repo, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for p, target := range map[string]string{
		"db/migrations/002_orders.sql": "../../shared/002_orders.sql",
		"db/migrations/nested":         "../../shared/nested",
		"db/migrations/004_env.sql":    "../../../.env",
		"db/migrations/005_abs.sql":    filepath.Join(base, ".env"),
		"db/migrations/006_loop.sql":   "006_loop.sql",
		"db/migrations/007_here.sql":   "001_users.sql",
		"db/migrations/008_dangling":   "missing.sql",
	} {
		if err := os.Symlink(target, filepath.Join(repo, p)); err != nil {
			t.Fatal(err)
		}
	}
	within := Within(filepath.Join(repo, "db", "migrations")).(*subFS)
	if within.near == nil {
		t.Fatal("Within opened no root at the migration directory")
	}
	before := &subFS{fsys: within.fsys, prefix: within.prefix}

	ask := func(fsys fs.FS, name string) []string {
		var out []string
		say := func(what string, err error) {
			if err != nil {
				what = "error: " + err.Error()
			}
			out = append(out, what)
		}
		data, err := ReadFile(fsys, name, 1<<20)
		say(string(data), err)
		if st, err := fs.Stat(fsys, name); err == nil {
			say(st.Mode().String(), nil)
		} else {
			say("", err)
		}
		if st, err := fs.Lstat(fsys, name); err == nil {
			say(st.Mode().String(), nil)
		} else {
			say("", err)
		}
		target, err := fs.ReadLink(fsys, name)
		say(target, err)
		entries, err := fs.ReadDir(fsys, name)
		say("", err)
		for _, e := range entries {
			info, err := e.Info()
			if err == nil {
				say(e.Name()+" "+e.Type().String()+" "+info.Mode().String()+" "+info.Name(), nil)
			} else {
				say("", err)
			}
		}
		return out
	}
	for _, name := range []string{".", "001_users.sql", "002_orders.sql", "nested", "nested/003_products.sql",
		"004_env.sql", "005_abs.sql", "006_loop.sql", "007_here.sql", "008_dangling", "missing.sql", "../x", "/abs"} {
		if diff := cmp.Diff(ask(before, name), ask(within, name)); diff != "" {
			t.Errorf("%s (-before +within):\n%s", name, diff)
		}
	}
}

// TestListingConforms: a directory listed from a copy of its descriptor
// still conforms to io/fs, FileInfo included.
func TestListingConforms(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{".git/HEAD", "db/migrations/001.sql", "db/migrations/002.sql", "db/migrations/sub/003.sql"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := fstest.TestFS(Within(filepath.Join(dir, "db", "migrations")), "001.sql", "002.sql", "sub/003.sql"); err != nil {
		t.Error(err)
	}
}
