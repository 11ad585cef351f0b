package check_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/transcache"
	"github.com/schemagate/schemagate/rules"
)

// countingStore counts the reads a store gave back whole.
type countingStore struct {
	*transcache.Store
	hits atomic.Int32
}

func (s *countingStore) Get(key string) ([]byte, bool) {
	p, ok := s.Store.Get(key)
	if ok && strings.HasPrefix(key, "result\x00") {
		s.hits.Add(1)
	}
	return p, ok
}

// check on a Django project gives the same findings with translations
// read back from the cache of an earlier run as translated anew, and
// when every cache entry is damaged.
func TestStoredTranslationsGiveTheSameFindings(t *testing.T) {
	dir := t.TempDir()
	if err := benchgen.DjangoGitRepo(t.Context(), dir, benchgen.DjangoSpec{Apps: 4, Migrations: 60, Pending: 8, CodeLines: 30}); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrev.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cacheDir := t.TempDir()
	run := func(store *countingStore) []rules.Finding {
		t.Helper()
		prev, err := repo.FS(benchgen.DjangoPrevious)
		if err != nil {
			t.Fatal(err)
		}
		defer prev.Close()
		next, err := repo.FS(benchgen.DjangoNew)
		if err != nil {
			t.Fatal(err)
		}
		defer next.Close()
		in := check.Input{
			Previous: []check.Tree{{Name: "previous", FS: prev}},
			New:      check.Tree{Name: "new", FS: next},
			Index: func(t check.Tree, skip []string) (*refs.Index, error) {
				idx, _, _, err := build.Index(t.FS, build.Options{Exclude: skip})
				return idx, err
			},
		}
		if store != nil {
			in.Translations = store
		}
		res, err := check.Run(in)
		if store != nil {
			store.Wait()
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Pending) != 8 {
			t.Fatalf("%d pending migrations, want 8", len(res.Pending))
		}
		return res.Findings
	}
	open := func() *countingStore { return &countingStore{Store: transcache.OpenDir(cacheDir, "test")} }

	cold := run(nil)
	if len(cold) == 0 {
		t.Fatal("no findings: the comparison proves nothing")
	}
	filling := open()
	if diff := cmp.Diff(cold, run(filling)); diff != "" {
		t.Errorf("filling the cache (-cold +filling):\n%s", diff)
	}
	warm := open()
	if diff := cmp.Diff(cold, run(warm)); diff != "" {
		t.Errorf("from the cache (-cold +warm):\n%s", diff)
	}
	if warm.hits.Load() != 2 {
		t.Errorf("%d releases read from the cache, want 2", warm.hits.Load())
	}

	entries, err := filepath.Glob(filepath.Join(cacheDir, "*.entry"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no cache entries in %s (%v)", cacheDir, err)
	}
	for i, e := range entries {
		data, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			data[len(data)-1] ^= 0xff // the checksum no longer matches
		} else {
			data = data[:len(data)/2]
		}
		if err := os.WriteFile(e, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	damaged := open()
	if diff := cmp.Diff(cold, run(damaged)); diff != "" {
		t.Errorf("with damaged entries (-cold +damaged):\n%s", diff)
	}
	if damaged.hits.Load() != 0 {
		t.Errorf("%d releases read from damaged entries", damaged.hits.Load())
	}
}
