package lintcache

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestStatTree: the state changes with every edit, addition, removal and
// rename below the directories; a path that is not a directory, or a tree
// holding a symbolic link, has none.
func TestStatTree(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("trees are stat'ed on Linux only")
	}
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(sub, "001.sql")
	if err := os.WriteFile(file, []byte("SELECT 1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	state := func() []byte {
		t.Helper()
		tr, ok := StatTree([]string{dir})
		if !ok {
			t.Fatal("no tree")
		}
		if tr.latest.IsZero() || time.Since(tr.latest) > time.Hour {
			t.Errorf("latest change %v, want the files' moments ago", tr.latest)
		}
		return tr.state
	}
	before := state()
	if again := state(); !bytes.Equal(before, again) {
		t.Fatal("the same tree stat'ed twice differs")
	}
	changes := []struct {
		name   string
		change func() error
	}{
		{"edit", func() error { return os.WriteFile(file, []byte("SELECT 2;"), 0o644) }},
		{"add", func() error { return os.WriteFile(filepath.Join(sub, "002.sql"), nil, 0o644) }},
		{"rename", func() error { return os.Rename(filepath.Join(sub, "002.sql"), filepath.Join(sub, "003.sql")) }},
		{"remove", func() error { return os.Remove(filepath.Join(sub, "003.sql")) }},
		{"chmod", func() error { return os.Chmod(file, 0o600) }},
	}
	for _, c := range changes {
		if err := c.change(); err != nil {
			t.Fatal(err)
		}
		after := state()
		if bytes.Equal(before, after) {
			t.Errorf("%s: the tree's state did not change", c.name)
		}
		before = after
	}

	if _, ok := StatTree([]string{file}); ok {
		t.Error("a file gave a tree")
	}
	if _, ok := StatTree([]string{filepath.Join(dir, "missing")}); ok {
		t.Error("a missing directory gave a tree")
	}
	if err := os.Symlink(file, filepath.Join(sub, "link.sql")); err != nil {
		t.Fatal(err)
	}
	if _, ok := StatTree([]string{dir}); ok {
		t.Error("a tree with a symbolic link gave a state")
	}
}

// TestMemoKeptAndRecalled: a memo comes back for the tree it was taken
// over, not for another; a racy tree or one that changed during the run
// is not kept.
func TestMemoKeptAndRecalled(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("trees are stat'ed on Linux only")
	}
	t.Setenv(DirEnv, t.TempDir())
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "001.sql"), []byte("SELECT 1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, ok := StatTree([]string{dir})
	if !ok {
		t.Fatal("no tree")
	}
	s := Open("test", nil)
	memo := Memo{Out: []byte("the report\n"), Code: 1}

	s.Keep("racy", tree, tree, time.Now(), memo)
	s.Wait()
	if _, ok, _ := s.Recall("racy", tree, io.Discard); ok {
		t.Error("a memo of files changed just now was kept")
	}
	later := time.Now().Add(time.Hour)
	other := Tree{state: append(bytes.Clone(tree.state), 0)}
	s.Keep("changed", tree, other, later, memo)
	s.Wait()
	if _, ok, _ := s.Recall("changed", tree, io.Discard); ok {
		t.Error("a memo of a tree that changed during the run was kept")
	}
	s.Keep("k", tree, tree, later, memo)
	s.Wait()
	var out bytes.Buffer
	if _, ok, _ := s.Recall("k", other, &out); ok || out.Len() > 0 {
		t.Error("a memo came back for another tree")
	}
	// The miss above discarded the stale entry.
	s.Keep("k", tree, tree, later, memo)
	s.Wait()
	code, ok, err := s.Recall("k", tree, &out)
	if !ok || err != nil || !bytes.Equal(out.Bytes(), memo.Out) || code != memo.Code {
		t.Errorf("recalled %q, code %d, %v, %v; want %q, code %d", out.Bytes(), code, ok, err, memo.Out, memo.Code)
	}
}
