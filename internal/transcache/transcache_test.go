package transcache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What one run stores, a later run of the same tool reads; another
// version of the tool, or a damaged entry, reads nothing.
func TestStoreAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	first := OpenDir(dir, "1.0")
	first.Put("k", []byte("payload"))
	if got, ok := first.Get("k"); !ok || string(got) != "payload" {
		t.Fatalf("same run, before the write is waited for: %q %v", got, ok)
	}
	first.Wait()

	if got, ok := OpenDir(dir, "1.0").Get("k"); !ok || !cmp.Equal(got, []byte("payload")) {
		t.Errorf("next run: %q %v", got, ok)
	}
	if got, ok := OpenDir(dir, "1.1").Get("k"); ok {
		t.Errorf("another version read %q", got)
	}
	entries, err := filepath.Glob(filepath.Join(dir, "*.entry"))
	if err != nil || len(entries) != 1 {
		t.Fatalf("entries %v (%v), want 1", entries, err)
	}
	if err := os.WriteFile(entries[0], []byte("SGTRAN damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, ok := OpenDir(dir, "1.0").Get("k"); ok {
		t.Errorf("damaged entry read as %q", got)
	}
}
