package gitrev

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// A partial clone whose promisor remote is gone lacks the blobs it never
// fetched: the tree still lists, present files read, and each missing
// blob fails on its own (size 0, a read error), however many there are.
func TestPartialCloneWithoutPromisor(t *testing.T) {
	origin := newTestRepo(t)
	origin.write("kept.txt", "kept\n", 0o644)
	origin.write("vendor/font.ttf", "glyphs\n", 0o644)
	origin.write("vendor/icon.svg", "<svg/>\n", 0o644)
	origin.commit("first", nil)
	origin.git("config", "uploadpack.allowFilter", "true")
	clone := filepath.Join(t.TempDir(), "clone")
	runGit(t, filepath.Dir(clone), 0, nil, "clone", "-q", "--filter=blob:none", "--no-checkout", "file://"+origin.dir, clone)
	// Only kept.txt is fetched; then the promisor goes away.
	runGit(t, clone, 0, nil, "checkout", "-q", "HEAD", "--", "kept.txt")
	if err := os.RemoveAll(origin.dir); err != nil {
		t.Fatal(err)
	}
	repo, err := Open(clone)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := repo.FS("HEAD")
	if err != nil {
		t.Fatalf("listing a partial clone: %v", err)
	}
	defer fsys.Close()
	for _, name := range []string{"vendor/font.ttf", "vendor/icon.svg"} {
		if _, err := fs.ReadFile(fsys, name); err == nil {
			t.Errorf("%s: read a blob that is not there", name)
		}
		if size, ok := fsys.Size(name); !ok || size != 0 {
			t.Errorf("%s: size %d %v", name, size, ok)
		}
		var pe *fs.PathError
		if _, err := fsys.ReadFile(name); !errors.As(err, &pe) || pe.Path != name {
			t.Errorf("%s: error %v does not name the file", name, err)
		}
	}
	data, err := fs.ReadFile(fsys, "kept.txt")
	if err != nil || string(data) != "kept\n" {
		t.Errorf("kept.txt after the failures: %q, %v", data, err)
	}
	if size, _ := fsys.Size("kept.txt"); size != 5 {
		t.Errorf("kept.txt: size %d", size)
	}
	entries, err := fs.ReadDir(fsys, "vendor")
	if err != nil || len(entries) != 2 {
		t.Errorf("vendor lists %v, %v", entries, err)
	}
}
