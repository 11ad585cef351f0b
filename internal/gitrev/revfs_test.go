package gitrev

import (
	"errors"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func openFS(t *testing.T, dir, rev string) *RevFS {
	t.Helper()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := r.FS(rev)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestRevFSContents(t *testing.T) {
	s := newScenario(t)
	tests := []struct {
		name string
		rev  string
		want map[string]entry
	}{
		{"v1", s.v1, s.want1},
		{"v2", s.v2, s.want2},
		{"v3 by branch name", "main", s.want2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openFS(t, s.repo.dir, tt.rev)
			if diff := cmp.Diff(tt.want, readAll(t, f)); diff != "" {
				t.Errorf("contents (-want +got):\n%s", diff)
			}
			if want := s.repo.git("rev-parse", tt.rev); f.Commit() != want {
				t.Errorf("Commit() = %s, want %s", f.Commit(), want)
			}
			if want := s.repo.git("rev-parse", tt.rev+"^{tree}"); f.Tree() != want {
				t.Errorf("Tree() = %s, want %s", f.Tree(), want)
			}
			// Sizes come from the listing and match the content.
			for p, e := range tt.want {
				size, ok := f.Size(p)
				if e.Mode[0] == 'd' {
					if ok {
						t.Errorf("Size(%q) = %d, true; want false for a submodule", p, size)
					}
					continue
				}
				if !ok || size != int64(len(e.Content)) {
					t.Errorf("Size(%q) = %d, %v; want %d, true", p, size, ok, len(e.Content))
				}
			}
		})
	}
}

func TestRevFSPassesFSTest(t *testing.T) {
	s := newScenario(t)
	for _, tc := range []struct {
		rev  string
		want map[string]entry
	}{{s.v1, s.want1}, {s.v2, s.want2}} {
		f := openFS(t, s.repo.dir, tc.rev)
		var expected []string
		for p := range tc.want {
			expected = append(expected, p)
		}
		sort.Strings(expected)
		if err := fstest.TestFS(f, expected...); err != nil {
			t.Errorf("fstest.TestFS(%s): %v", tc.rev, err)
		}
	}
}

func TestRevFSDirectoryOrder(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v1)
	entries, err := f.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	// git lists "a.sql" < "a/" < "a0.sql"; io/fs wants plain name order.
	want := []string{"a", "a-b.sql", "a.sql", "a0.sql", "app", "assets", "bin", "current.sql", "db", "docs", "legacy", "queries", "remove_me.sql", "vendor"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadDir(.) (-want +got):\n%s", diff)
	}
}

func TestRevFSSymlink(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v2)
	const target = "db/migrate/003_drop_legacy.sql"
	for _, stat := range []func(string) (fs.FileInfo, error){f.Stat, f.Lstat} {
		info, err := stat("current.sql")
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Type() != fs.ModeSymlink || info.Size() != int64(len(target)) {
			t.Errorf("info = %v, want a symlink of size %d", info, len(target))
		}
		if obj := info.Sys().(Object); obj.Mode != 0o120000 || obj.Type != "blob" {
			t.Errorf("Sys() = %+v, want mode 120000 blob", obj)
		}
	}
	if got, err := f.ReadLink("current.sql"); err != nil || got != target {
		t.Errorf("ReadLink = %q, %v; want %q", got, err, target)
	}
	if _, err := f.ReadLink("a.sql"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("ReadLink of a regular file: %v, want fs.ErrInvalid", err)
	}
	// Reading does not follow the link: it yields the target path.
	file, err := f.Open("current.sql")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil || string(data) != target {
		t.Errorf("reading the link = %q, %v; want %q", data, err, target)
	}
}

func TestRevFSSubmodule(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v1)
	const name = "vendor/pgkit"

	info, err := f.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	if !info.IsDir() {
		t.Errorf("Stat(%s) = %v, want a directory", name, info)
	}
	want := Object{Mode: 0o160000, Type: "commit", ID: s.submodule}
	if diff := cmp.Diff(want, info.Sys()); diff != "" {
		t.Errorf("Sys() (-want +got):\n%s", diff)
	}
	if id, ok := f.Gitlink(name); !ok || id != s.submodule {
		t.Errorf("Gitlink(%s) = %s, %v; want %s, true", name, id, ok, s.submodule)
	}
	if _, ok := f.Gitlink("vendor"); ok {
		t.Errorf("Gitlink(vendor) = true for a plain directory")
	}
	if entries, err := f.ReadDir(name); err != nil || len(entries) != 0 {
		t.Errorf("ReadDir(%s) = %v, %v; want empty", name, entries, err)
	}
	d, err := f.Open(name)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	if entries, err := d.(fs.ReadDirFile).ReadDir(1); len(entries) != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("ReadDir(1) on the submodule = %v, %v; want none, EOF", entries, err)
	}
	d.Close()
	if _, err := f.ReadFile(name); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "submodule") {
		t.Errorf("ReadFile(%s): %v, want fs.ErrNotExist naming the submodule", name, err)
	}
	if _, err := f.Open(name + "/README.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open inside the submodule: %v, want fs.ErrNotExist", err)
	}
}

func TestRevFSErrors(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v2)
	tests := []struct {
		name string
		want error
	}{
		{"/etc/passwd", fs.ErrInvalid},
		{"db/../a.sql", fs.ErrInvalid},
		{"./a.sql", fs.ErrInvalid},
		{"db/", fs.ErrInvalid},
		{"", fs.ErrInvalid},
		{"remove_me.sql", fs.ErrNotExist}, // deleted in v2
		{"docs/old guide.md", fs.ErrNotExist},
		{"a.sql/x", fs.ErrNotExist},
		{".git/HEAD", fs.ErrNotExist},
	}
	for _, tt := range tests {
		if _, err := f.Open(tt.name); !errors.Is(err, tt.want) {
			t.Errorf("Open(%q): %v, want %v", tt.name, err, tt.want)
		}
		if _, err := f.ReadFile(tt.name); !errors.Is(err, tt.want) {
			t.Errorf("ReadFile(%q): %v, want %v", tt.name, err, tt.want)
		}
		if _, err := f.Stat(tt.name); !errors.Is(err, tt.want) {
			t.Errorf("Stat(%q): %v, want %v", tt.name, err, tt.want)
		}
		if _, ok := f.Size(tt.name); ok {
			t.Errorf("Size(%q) ok, want not found", tt.name)
		}
	}
	if _, err := f.ReadFile("db"); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("ReadFile(db): %v, want an is-a-directory error", err)
	}
	if _, err := f.ReadDir("a.sql"); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("ReadDir(a.sql): %v, want a not-a-directory error", err)
	}
	if _, ok := f.Size("db"); ok {
		t.Errorf("Size(db) ok for a directory")
	}
}

func TestRevFSModTime(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v2)
	info, err := f.Stat("app/models/user.rb")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Unix(1700000000+2*3600, 0) // the second commit's clock
	if !info.ModTime().Equal(want) {
		t.Errorf("ModTime = %v, want %v", info.ModTime(), want)
	}
}

func TestRevFSConcurrentReads(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v2)
	var paths []string
	for p, e := range s.want2 {
		if e.Mode[0] != 'd' {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)

	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers*len(paths)*2)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range paths {
				// Each worker starts at a different file, so requests interleave.
				p := paths[(i+w)%len(paths)]
				want := s.want2[p].Content
				var data []byte
				var err error
				if w%2 == 0 {
					data, err = f.ReadFile(p)
				} else {
					data, err = fs.ReadFile(readerOnly{f}, p)
				}
				if err != nil {
					errs <- err
				} else if string(data) != want {
					errs <- errors.New(p + ": content mismatch")
				}
				if _, err := fs.ReadDir(f, "db/migrate"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// readerOnly hides ReadFile so fs.ReadFile goes through Open/Read/Close.
type readerOnly struct{ fsys fs.FS }

func (r readerOnly) Open(name string) (fs.File, error) { return r.fsys.Open(name) }

func TestRevFSClose(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v1)
	if _, err := f.ReadFile("a.sql"); err != nil {
		t.Fatal(err)
	}
	if f.blobs.cmd == nil {
		t.Fatal("no cat-file process after a read")
	}
	proc := f.blobs.cmd
	if err := f.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if proc.ProcessState == nil || !proc.ProcessState.Exited() {
		t.Errorf("cat-file still running after Close: %v", proc.ProcessState)
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := f.ReadFile("a.sql"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("ReadFile after Close: %v, want fs.ErrClosed", err)
	}
	// The listing stays usable.
	if _, err := f.Stat("a.sql"); err != nil {
		t.Errorf("Stat after Close: %v", err)
	}
}

func TestRevFSRestartsDeadCatFile(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v1)
	if _, err := f.ReadFile("a.sql"); err != nil {
		t.Fatal(err)
	}
	if err := f.blobs.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// The read that meets the dead pipe may fail; the next one must not.
	f.ReadFile("a0.sql")
	data, err := f.ReadFile("legacy/latin1.txt")
	if err != nil || string(data) != s.want1["legacy/latin1.txt"].Content {
		t.Errorf("ReadFile after the process died = %q, %v", data, err)
	}
}

func TestRevFSFileInterface(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v1)
	want := s.want1["assets/logo.bin"].Content
	file, err := f.Open("assets/logo.bin")
	if err != nil {
		t.Fatal(err)
	}
	rs := file.(io.ReadSeeker)
	if _, err := rs.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(rs)
	if err != nil || string(rest) != want[4:] {
		t.Errorf("read after Seek(4) = %q, %v; want %q", rest, err, want[4:])
	}
	buf := make([]byte, 3)
	if n, err := file.(io.ReaderAt).ReadAt(buf, 1); n != 3 || err != nil || string(buf) != want[1:4] {
		t.Errorf("ReadAt(1) = %d, %v, %q; want %q", n, err, buf, want[1:4])
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := file.Read(buf); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Read after Close: %v, want fs.ErrClosed", err)
	}
	d, err := f.Open("db")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Read(buf); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Read on a directory: %v, want an is-a-directory error", err)
	}
}

func TestRevFSLargeTree(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 10,000-file repository")
	}
	dir, files := generateRepo(t, 10000)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Speed is measured by BenchmarkFS, not asserted here; this test
	// checks that a large tree lists and reads completely.
	f, err := r.FS("main")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	got := 0
	err = fs.WalkDir(f, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := f.ReadFile(p)
		if err != nil {
			return err
		}
		if string(data) != files[p] {
			t.Errorf("%s: content differs", p)
		}
		got++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != len(files) {
		t.Errorf("read %d files, want %d", got, len(files))
	}
}

// ReadFiles gives, for every name, what ReadFile gives: contents, or an
// error of the same kind (missing, a directory, a submodule); after a
// dead cat-file process and after Close too.
func TestRevFSReadFiles(t *testing.T) {
	s := newScenario(t)
	f := openFS(t, s.repo.dir, s.v1)
	var names []string
	for p := range s.want1 {
		names = append(names, p)
	}
	sort.Strings(names)
	names = append(names, "no/such/file", "legacy", "vendor/pgkit", names[0])
	check := func(what string) {
		t.Helper()
		data, errs := f.ReadFiles(names)
		if len(data) != len(names) || len(errs) != len(names) {
			t.Fatalf("%s: %d contents, %d errors for %d names", what, len(data), len(errs), len(names))
		}
		for i, name := range names {
			want, werr := f.ReadFile(name)
			if (werr == nil) != (errs[i] == nil) || werr != nil && werr.Error() != errs[i].Error() {
				t.Errorf("%s: %s: error %v, ReadFile's %v", what, name, errs[i], werr)
			}
			if string(want) != string(data[i]) {
				t.Errorf("%s: %s: %q, ReadFile's %q", what, name, data[i], want)
			}
		}
	}
	check("first read")
	if err := f.blobs.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	f.ReadFiles(names[:2]) // may meet the dead pipe
	check("after the process died")
	f.Close()
	if _, errs := f.ReadFiles(names[:1]); !errors.Is(errs[0], fs.ErrClosed) {
		t.Errorf("after Close: %v, want fs.ErrClosed", errs[0])
	}
}
