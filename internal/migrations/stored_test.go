package migrations

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/benchgen"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// mapStore is a Store in memory that counts the results it gave.
type mapStore struct {
	mu      sync.Mutex
	entries map[string][]byte
	hits    int
}

func (s *mapStore) Get(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.entries[key]
	if ok && strings.HasPrefix(key, "result\x00") {
		s.hits++
	}
	return p, ok
}

func (s *mapStore) Put(key string, payload []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[key] = payload
}

// sameResult compares two reads: every migration with its file's text,
// operations (expressions by their text) and notes.
func sameResult(t *testing.T, what string, want, got *Result) {
	t.Helper()
	opts := []cmp.Option{
		cmpopts.EquateEmpty(),
		cmp.Comparer(func(a, b *source.File) bool { return a.Path == b.Path && string(a.Text) == string(b.Text) }),
		cmp.Comparer(func(a, b *ops.Expr) bool {
			return (a == nil) == (b == nil) && (a == nil || a.SQL() == b.SQL() && a.Volatility == b.Volatility && a.Null == b.Null)
		}),
	}
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("%s (-read +stored):\n%s", what, diff)
	}
}

// A Django project read through the store reads back as it was read,
// without translating again; an earlier migration edited is read anew
// (the later ones' translations depend on it); a damaged entry is a miss.
func TestStoreGivesWhatWasRead(t *testing.T) {
	dir := t.TempDir()
	if _, err := benchgen.DjangoProject(dir, benchgen.DjangoSpec{Apps: 3, Migrations: 30, Pending: 0, CodeLines: 10}); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	store := &mapStore{entries: map[string][]byte{}}
	cfg := Config{Store: store, PGVersion: 16}

	alone, err := Load(fsys, Config{PGVersion: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(alone.Migrations) != 30 || !alone.Migrations[0].Framework || len(alone.Migrations[0].Ops) == 0 {
		t.Fatalf("read %d migrations, the first with %d operations", len(alone.Migrations), len(alone.Migrations[0].Ops))
	}
	first, err := Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "first read through the store", alone, first)
	again, err := Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if store.hits != 1 {
		t.Errorf("second read: %d results from the store, want 1", store.hits)
	}
	sameResult(t, "read back", alone, again)

	// Give the first model of an app a table name of its own: the later
	// migrations of the app that alter it alter that table.
	var initial string
	for _, m := range alone.Migrations {
		if strings.HasSuffix(m.Path, "/0001_initial.py") {
			initial = m.Path
			break
		}
	}
	text, err := os.ReadFile(filepath.Join(dir, initial))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(text), "            fields=[\n", "            options={'db_table': 'renamed_table'},\n            fields=[\n", 1)
	if err := os.WriteFile(filepath.Join(dir, initial), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh, err := Load(fsys, Config{PGVersion: 16})
	if err != nil {
		t.Fatal(err)
	}
	later := 0
	for i, m := range fresh.Migrations {
		if m.Path != initial && !cmp.Equal(m.SQL, alone.Migrations[i].SQL, cmpopts.EquateEmpty()) {
			later++
		}
	}
	if later == 0 {
		t.Fatal("the edit changed no later migration's SQL: the test proves nothing")
	}
	hits := store.hits
	viaStore, err := Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if store.hits != hits {
		t.Error("an edited project was read from the store")
	}
	sameResult(t, "edited", fresh, viaStore)

	// Damage every stored result: the read is done again, and right.
	for k := range store.entries {
		if strings.HasPrefix(k, "result\x00") {
			store.entries[k] = []byte("not a result")
		}
	}
	damaged, err := Load(fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sameResult(t, "after damage", fresh, damaged)
}

// The trace tells a changed tree from the same one: a file's content, a
// file added to a listing, a file removed.
func TestReplayNoticesChanges(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/migrations/0001_initial.py", "x = 1\n")
	fsys := os.DirFS(dir)
	tfs := newTraceFS(fsys)
	if _, err := tfs.ReadFile("app/migrations/0001_initial.py"); err != nil {
		t.Fatal(err)
	}
	if _, err := tfs.ReadDir("app/migrations"); err != nil {
		t.Fatal(err)
	}
	if _, err := tfs.Stat("app/migrations/0002_missing.py"); err == nil {
		t.Fatal("stat of a missing file succeeded")
	}
	if files, ok := replay(fsys, tfs.recs); !ok || string(files["app/migrations/0001_initial.py"]) != "x = 1\n" {
		t.Fatalf("same tree: replay %v, files %q", ok, files)
	}
	for _, c := range []struct {
		name   string
		change func()
	}{
		{"content", func() { write("app/migrations/0001_initial.py", "x = 2\n") }},
		{"added", func() { write("app/migrations/0002_missing.py", "y = 1\n") }},
		{"removed", func() { _ = os.Remove(filepath.Join(dir, "app/migrations/0001_initial.py")) }},
	} {
		c.change()
		if _, ok := replay(fsys, tfs.recs); ok {
			t.Errorf("%s: replay did not notice", c.name)
		}
	}
}

// Two trees read at once into one store (check's releases) both find
// their result there on the next run: neither's index update is lost.
func TestStoreKeepsTreesReadAtOnce(t *testing.T) {
	prevDir, nextDir := djangoReleases(t, benchgen.DjangoSpec{Apps: 3, Migrations: 30, Pending: 5, CodeLines: 10})
	store := &mapStore{entries: map[string][]byte{}}
	trees := []string{prevDir, nextDir}
	for round := range 2 {
		var wg sync.WaitGroup
		for _, dir := range trees {
			wg.Go(func() {
				if _, err := Load(os.DirFS(dir), Config{Store: store}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if want := round * len(trees); store.hits != want {
			t.Errorf("round %d: %d results from the store, want %d", round+1, store.hits, want)
		}
	}
}
