package safefs_test

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/safefs"
)

const secret = "AWS_SECRET_ACCESS_KEY=do-not-read-me\n"

// layout builds, under a temporary directory, a repository "repo" with a
// secret beside it, links that stay in the repository and links that
// leave it.
func layout(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	files := map[string]string{
		"../.env":                        secret,
		"db/migrations/001_users.sql":    "CREATE TABLE users (id bigint);\n",
		"shared/002_orders.sql":          "CREATE TABLE orders (id bigint);\n",
		"shared/nested/003_products.sql": "CREATE TABLE products (id bigint);\n",
	}
	for p, text := range files {
		full := filepath.Join(repo, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"db/migrations/002_orders.sql": "../../shared/002_orders.sql",       // inside
		"db/migrations/nested":         "../../shared/nested",               // a directory, inside
		"db/migrations/004_env.sql":    "../../../.env",                     // outside
		"db/migrations/005_abs.sql":    filepath.Join(base, ".env"),         // absolute
		"db/migrations/006_hop.sql":    "hop",                               // inside, then outside
		"db/migrations/hop":            "../../shared/../../.env",           // outside
		"db/migrations/007_loop.sql":   "007_loop.sql",                      // a loop
		"db/migrations/out":            "../../..",                          // a directory outside
		"db/migrations/008_root.sql":   "../../db/migrations/001_users.sql", // inside, the long way
	}
	for p, target := range links {
		if err := os.Symlink(target, filepath.Join(repo, p)); err != nil {
			t.Fatal(err)
		}
	}
	return repo
}

func TestDirFollowsLinksOnlyInsideTheTree(t *testing.T) {
	repo := layout(t)
	fsys := safefs.Dir(repo)
	tests := []struct {
		name    string
		want    string // content, when readable
		outside *safefs.OutsideError
		loop    bool
	}{
		{name: "db/migrations/001_users.sql", want: "CREATE TABLE users (id bigint);\n"},
		{name: "db/migrations/002_orders.sql", want: "CREATE TABLE orders (id bigint);\n"},
		{name: "db/migrations/nested/003_products.sql", want: "CREATE TABLE products (id bigint);\n"},
		{name: "db/migrations/008_root.sql", want: "CREATE TABLE users (id bigint);\n"},
		{name: "db/migrations/004_env.sql", outside: &safefs.OutsideError{Link: "db/migrations/004_env.sql", Target: "../../../.env", Root: repo}},
		{name: "db/migrations/005_abs.sql", outside: &safefs.OutsideError{Link: "db/migrations/005_abs.sql", Target: filepath.Join(filepath.Dir(repo), ".env"), Root: repo}},
		{name: "db/migrations/006_hop.sql", outside: &safefs.OutsideError{Link: "db/migrations/hop", Target: "../../shared/../../.env", Root: repo}},
		{name: "db/migrations/out/.env", outside: &safefs.OutsideError{Link: "db/migrations/out", Target: "../../..", Root: repo}},
		{name: "db/migrations/007_loop.sql", loop: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for op, read := range map[string]func() ([]byte, error){
				"ReadFile":    func() ([]byte, error) { return safefs.ReadFile(fsys, tt.name, 1<<20) },
				"fs.ReadFile": func() ([]byte, error) { return fs.ReadFile(fsys, tt.name) },
			} {
				data, err := read()
				switch {
				case tt.want != "":
					if err != nil || string(data) != tt.want {
						t.Errorf("%s = %q, %v; want %q", op, data, err, tt.want)
					}
				case tt.outside != nil:
					var oe *safefs.OutsideError
					if !errors.As(err, &oe) || !errors.Is(err, safefs.ErrOutside) {
						t.Fatalf("%s = %q, %v; want an *OutsideError", op, data, err)
					}
					if diff := cmp.Diff(tt.outside, oe); diff != "" {
						t.Errorf("%s: OutsideError (-want +got):\n%s", op, diff)
					}
				case tt.loop:
					if err == nil {
						t.Errorf("%s = %q, want an error for a link loop", op, data)
					}
				}
				if string(data) == secret {
					t.Fatalf("%s read the file outside the tree", op)
				}
			}
		})
	}
	// Listing shows links as links, as before.
	entries, err := fs.ReadDir(fsys, "db/migrations")
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 {
			links = append(links, e.Name())
		}
	}
	want := []string{"002_orders.sql", "004_env.sql", "005_abs.sql", "006_hop.sql", "007_loop.sql", "008_root.sql", "hop", "nested", "out"}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("links listed (-want +got):\n%s", diff)
	}
}

// A FIFO, a socket or a device is refused without being opened: opening a
// FIFO for reading blocks until a writer comes.
func TestDirNeverOpensSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "001_fifo.sql")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "002_socket.sql")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := os.Symlink("/dev/null", filepath.Join(dir, "003_device.sql")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("001_fifo.sql", filepath.Join(dir, "004_link_to_fifo.sql")); err != nil {
		t.Fatal(err)
	}
	fsys := safefs.Dir(dir)
	tests := []struct{ name, kind string }{
		{"001_fifo.sql", "a FIFO"},
		{"002_socket.sql", "a socket"},
		{"004_link_to_fifo.sql", "a FIFO"},
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, tt := range tests {
			for op, read := range map[string]func() ([]byte, error){
				"ReadFile":    func() ([]byte, error) { return safefs.ReadFile(fsys, tt.name, 1<<20) },
				"fs.ReadFile": func() ([]byte, error) { return fs.ReadFile(fsys, tt.name) },
			} {
				_, err := read()
				var ie *safefs.IrregularError
				if !errors.As(err, &ie) || ie.Error() != tt.kind+safefs.SkipSuffix {
					t.Errorf("%s(%s) = %v, want %q", op, tt.name, err, tt.kind+safefs.SkipSuffix)
				}
			}
		}
		// A device outside the tree is outside first.
		if _, err := safefs.ReadFile(fsys, "003_device.sql", 1<<20); !errors.Is(err, safefs.ErrOutside) {
			t.Errorf("ReadFile(003_device.sql) = %v, want ErrOutside", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("reading a special file blocked")
	}
}

// The size limit holds for every file, whatever Stat says.
func TestReadFileLimit(t *testing.T) {
	fsys := fstest.MapFS{
		"small.sql": {Data: []byte("SELECT 1;\n")},
		"big.rb":    {Data: make([]byte, 2048)},
		"dir/x.sql": {Data: []byte("SELECT 2;\n")},
	}
	if data, err := safefs.ReadFile(fsys, "small.sql", 10); err != nil || string(data) != "SELECT 1;\n" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	var tl *safefs.TooLargeError
	if _, err := safefs.ReadFile(fsys, "big.rb", 1024); !errors.As(err, &tl) || tl.Size != 2048 || tl.Max != 1024 {
		t.Errorf("over the limit: %v, want a *TooLargeError of 2048 bytes over 1024", err)
	}
	if _, err := safefs.ReadFile(fsys, "dir", 1024); err == nil {
		t.Error("a directory read as a file")
	}
}

// A tree that keeps links as links (a git revision: a symlink is a blob
// holding the target path) reads an inside link as its target's content,
// never the target path as the file, and refuses links that leave it.
func TestNewFollowsLinksOnlyInsideTheTree(t *testing.T) {
	link := func(target string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(target), Mode: fs.ModeSymlink | 0o777}
	}
	tree := safefs.New(fstest.MapFS{
		"db/migrations/001_users.sql":  {Data: []byte("CREATE TABLE users (id bigint);\n")},
		"shared/002_orders.sql":        {Data: []byte("CREATE TABLE orders (id bigint);\n")},
		"db/migrations/002_orders.sql": link("../../shared/002_orders.sql"),
		"db/migrations/003_env.sql":    link("../../../.env"),
		"db/migrations/004_abs.sql":    link("/etc/passwd"),
		"db/shared":                    link("../shared"),
	}, "3f2c1ab")
	if data, err := fs.ReadFile(tree, "db/migrations/002_orders.sql"); err != nil || string(data) != "CREATE TABLE orders (id bigint);\n" {
		t.Errorf("inside link: %q, %v", data, err)
	}
	if data, err := safefs.ReadFile(tree, "db/shared/002_orders.sql", 100); err != nil || string(data) != "CREATE TABLE orders (id bigint);\n" {
		t.Errorf("through a directory link: %q, %v", data, err)
	}
	for _, name := range []string{"db/migrations/003_env.sql", "db/migrations/004_abs.sql"} {
		data, err := fs.ReadFile(tree, name)
		if !errors.Is(err, safefs.ErrOutside) {
			t.Errorf("%s: %q, %v; want ErrOutside", name, data, err)
		}
	}
	// ReadFiles reads each name as ReadFile does, links and refusals
	// alike.
	names := []string{"db/migrations/001_users.sql", "db/migrations/002_orders.sql", "db/migrations/003_env.sql", "db/migrations/004_abs.sql", "db/shared/002_orders.sql", "db/shared", "missing.sql"}
	data, errs := safefs.ReadFiles(tree, names)
	for i, name := range names {
		want, werr := fs.ReadFile(tree, name)
		if string(data[i]) != string(want) || (errs[i] == nil) != (werr == nil) || werr != nil && errs[i].Error() != werr.Error() {
			t.Errorf("ReadFiles: %s: %q, %v; ReadFile: %q, %v", name, data[i], errs[i], want, werr)
		}
	}
	if st, err := tree.(fs.ReadLinkFS).Lstat("db/migrations/003_env.sql"); err != nil || st.Mode().Type() != fs.ModeSymlink {
		t.Errorf("Lstat of a link: %v, %v", st, err)
	}
	if err := fstest.TestFS(safefs.New(fstest.MapFS{
		"a/b.sql": {Data: []byte("x")},
		"c.sql":   {Data: []byte("y")},
	}, "t"), "a/b.sql", "c.sql"); err != nil {
		t.Error(err)
	}
}

// Dir is a well-behaved fs.FS for an ordinary tree.
func TestDirConforms(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"db/migrations/001.sql", "db/migrations/002.sql", "README.md"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := fstest.TestFS(safefs.Dir(dir), "db/migrations/001.sql", "db/migrations/002.sql", "README.md"); err != nil {
		t.Error(err)
	}
	if _, err := fs.Stat(safefs.Dir(filepath.Join(dir, "missing")), "."); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing root: %v, want ErrNotExist", err)
	}
}
