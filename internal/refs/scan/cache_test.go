package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemagate/schemagate/internal/diskcache"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/sqlfile"
)

func cachedIndex(t *testing.T) *refs.Index {
	t.Helper()
	idx, _, err := Build(appFS(), Options{Extractors: []refs.Extractor{sqlfile.Extractor{}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(idx.Refs) == 0 {
		t.Fatal("empty index")
	}
	return idx
}

func TestCacheHitAndMiss(t *testing.T) {
	c := &Cache{Dir: filepath.Join(t.TempDir(), "refs")}
	idx := cachedIndex(t)
	key := CacheKey("4b825dc642cb6eb9a060e54bf8d69288fbee4904", "v0.3.0", Options{Extractors: []refs.Extractor{sqlfile.Extractor{}}})

	if _, ok := c.Get(key); ok {
		t.Fatal("hit in an empty cache")
	}
	if err := c.Put(key, idx); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(key)
	if !ok {
		t.Fatal("miss after Put")
	}
	// Offset is not part of the encoding: File, Line and Col are.
	if diff := cmp.Diff(idx.Refs, got.Refs, cmpopts.IgnoreFields(refs.Reference{}, "Offset")); diff != "" {
		t.Errorf("cached index (-want +got):\n%s", diff)
	}
	if got := got.Column("", "users", "email"); len(got) == 0 {
		t.Error("cached index answers nothing for users.email")
	}
	if _, ok := c.Get(key + "x"); ok {
		t.Error("hit for another key")
	}
	// Overwriting works and leaves no temporary files behind.
	if err := c.Put(key, idx); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(c.Dir)
	if len(entries) != 1 || strings.HasPrefix(entries[0].Name(), ".tmp") {
		t.Errorf("cache dir holds %v", entries)
	}
}

func TestCacheCorruptEntries(t *testing.T) {
	idx := cachedIndex(t)
	tests := []struct {
		name   string
		damage func(data []byte, c *Cache) []byte
	}{
		{"truncated", func(d []byte, _ *Cache) []byte { return d[:len(d)-10] }},
		{"header only", func(d []byte, _ *Cache) []byte { return d[:diskcache.HeaderLen] }},
		{"flipped payload byte", func(d []byte, _ *Cache) []byte { d[len(d)/2] ^= 0xff; return d }},
		{"flipped checksum byte", func(d []byte, _ *Cache) []byte { d[10] ^= 0x01; return d }},
		{"not an entry", func([]byte, *Cache) []byte { return []byte("{\"version\":1,\"refs\":[]}") }},
		{"empty", func([]byte, *Cache) []byte { return nil }},
		{"entry of another key", func(_ []byte, c *Cache) []byte {
			if err := c.Put("other", idx); err != nil {
				t.Fatal(err)
			}
			name, _ := c.file("other")
			d, _ := os.ReadFile(name)
			return d
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logged []string
			c := &Cache{Dir: t.TempDir(), Log: func(f string, a ...any) { logged = append(logged, f) }}
			if err := c.Put("k", idx); err != nil {
				t.Fatal(err)
			}
			name, err := c.file("k")
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, tc.damage(data, c), 0o644); err != nil {
				t.Fatal(err)
			}
			if got, ok := c.Get("k"); ok || got != nil {
				t.Fatal("a damaged entry was trusted")
			}
			if _, err := os.Stat(name); !os.IsNotExist(err) {
				t.Errorf("damaged entry not deleted: %v", err)
			}
			if len(logged) == 0 {
				t.Error("discarding was not reported")
			}
			// The next Put repairs it.
			if err := c.Put("k", idx); err != nil {
				t.Fatal(err)
			}
			if _, ok := c.Get("k"); !ok {
				t.Error("miss after repairing Put")
			}
		})
	}
}

func TestCacheDefaultDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", home)
	t.Setenv("HOME", home)
	var c Cache
	if err := c.Put("k", cachedIndex(t)); err != nil {
		t.Fatal(err)
	}
	dir, _ := c.dir()
	if want := filepath.Join(home, "schemagate", "refs"); dir != want {
		t.Errorf("default dir %s, want %s", dir, want)
	}
	if _, ok := c.Get("k"); !ok {
		t.Error("miss in the default dir")
	}
}

func TestCacheKey(t *testing.T) {
	base := Options{Extractors: []refs.Extractor{sqlfile.Extractor{}}}
	k := CacheKey("tree1", "v1", base)
	variants := map[string]string{
		"tree":     CacheKey("tree2", "v1", base),
		"version":  CacheKey("tree1", "v2", base),
		"exclude":  CacheKey("tree1", "v1", Options{Extractors: base.Extractors, Exclude: []string{"db/migrate"}}),
		"tests":    CacheKey("tree1", "v1", Options{Extractors: base.Extractors, IncludeTests: true}),
		"size":     CacheKey("tree1", "v1", Options{Extractors: base.Extractors, MaxFileSize: 1}),
		"extracts": CacheKey("tree1", "v1", Options{}),
	}
	for what, v := range variants {
		if v == k {
			t.Errorf("changing the %s does not change the key", what)
		}
	}
	if CacheKey("tree1", "v1", Options{Extractors: base.Extractors, MaxFileSize: DefaultMaxFileSize}) != k {
		t.Error("the default size spelled out changes the key")
	}
}
