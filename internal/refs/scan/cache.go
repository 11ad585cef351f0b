package scan

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/schemagate/schemagate/internal/diskcache"
	"github.com/schemagate/schemagate/internal/refs"
)

// Cache keeps built indexes on disk, keyed by a string that names
// everything the index depends on (see CacheKey). An entry that is
// truncated, corrupt or written for another key is deleted and reported
// as a miss: never trusted.
type Cache struct {
	// Dir holds the entries; "" means os.UserCacheDir()/schemagate/refs.
	Dir string
	// Log, when set, is told why an entry was discarded.
	Log func(format string, args ...any)
}

// An entry's payload is gzip'd JSON of cacheEntry; cacheMagic changes
// when that encoding does.
var cacheMagic = [8]byte{'S', 'G', 'R', 'E', 'F', 'S', 0, 2}

type cacheEntry struct {
	Key   string      `json:"key"`
	Index *refs.Index `json:"index"`
}

// CacheKey builds a cache key from the tree being scanned (a git tree id),
// the schemagate version and the options that change what a scan finds.
func CacheKey(tree, version string, opt Options) string {
	var names []string
	for _, e := range opt.Extractors {
		names = append(names, e.Name())
	}
	size := opt.maxSize()
	parts := []string{
		"tree=" + tree, "version=" + version,
		"exclude=" + strings.Join(opt.excludes(), "\x1f"),
		fmt.Sprintf("max=%d", size),
		"extractors=" + strings.Join(names, ","),
	}
	return strings.Join(parts, "\x1e")
}

func (c *Cache) store() *diskcache.Dir {
	return &diskcache.Dir{Path: c.Dir, Name: "refs", Title: "reference cache", Magic: cacheMagic, Log: c.Log}
}

func (c *Cache) dir() (string, error) { return c.store().Folder() }

func (c *Cache) file(key string) (string, error) { return c.store().File(key) }

// Get returns the index cached under key. A damaged entry is deleted and
// reported as a miss.
func (c *Cache) Get(key string) (*refs.Index, bool) {
	d := c.store()
	payload, ok := d.Get(key)
	if !ok {
		return nil, false
	}
	idx, err := decodeEntry(payload, key)
	if err != nil {
		name, _ := d.File(key)
		d.Discard(name, err)
		return nil, false
	}
	return idx, true
}

func decodeEntry(payload []byte, key string) (*refs.Index, error) {
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	var e cacheEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, err
	}
	if e.Key != key || e.Index == nil {
		return nil, errors.New("entry is for another key")
	}
	return e.Index, nil
}

// Put stores idx under key. The entry is written to a temporary file and
// renamed into place, so a reader never sees half of it.
func (c *Cache) Put(key string, idx *refs.Index) error {
	raw, err := json.Marshal(cacheEntry{Key: key, Index: idx})
	if err != nil {
		return fmt.Errorf("reference cache: %w", err)
	}
	var payload bytes.Buffer
	zw := gzip.NewWriter(&payload)
	if _, err := zw.Write(raw); err != nil {
		return fmt.Errorf("reference cache: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("reference cache: %w", err)
	}
	return c.store().Put(key, payload.Bytes())
}
