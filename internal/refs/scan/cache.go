package scan

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

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

// An entry is the magic, the SHA-256 of the payload, the payload's length
// (big-endian uint64), then the payload: gzip'd JSON of cacheEntry.
var cacheMagic = []byte("SGREFS\x00\x01")

const headerLen = 8 + sha256.Size + 8

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
	size := opt.MaxFileSize
	if size <= 0 {
		size = DefaultMaxFileSize
	}
	parts := []string{
		"tree=" + tree, "version=" + version,
		"exclude=" + strings.Join(opt.excludes(), "\x1f"),
		fmt.Sprintf("max=%d", size),
		"extractors=" + strings.Join(names, ","),
	}
	return strings.Join(parts, "\x1e")
}

func (c *Cache) dir() (string, error) {
	if c.Dir != "" {
		return c.Dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("reference cache: %w", err)
	}
	return filepath.Join(base, "schemagate", "refs"), nil
}

func (c *Cache) file(key string) (string, error) {
	dir, err := c.dir()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, hex.EncodeToString(sum[:])+".refs.gz"), nil
}

func (c *Cache) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(format, args...)
	}
}

// Get returns the index cached under key. A damaged entry is deleted and
// reported as a miss.
func (c *Cache) Get(key string) (*refs.Index, bool) {
	name, err := c.file(key)
	if err != nil {
		c.logf("%v", err)
		return nil, false
	}
	data, err := os.ReadFile(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.logf("reference cache: %v", err)
		}
		return nil, false
	}
	idx, err := decodeEntry(data, key)
	if err != nil {
		c.logf("reference cache: discarding %s: %v", name, err)
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			c.logf("reference cache: %v", err)
		}
		return nil, false
	}
	return idx, true
}

func decodeEntry(data []byte, key string) (*refs.Index, error) {
	if len(data) < headerLen || !bytes.Equal(data[:len(cacheMagic)], cacheMagic) {
		return nil, errors.New("not a schemagate reference cache entry")
	}
	sum := data[len(cacheMagic) : len(cacheMagic)+sha256.Size]
	n := binary.BigEndian.Uint64(data[len(cacheMagic)+sha256.Size : headerLen])
	payload := data[headerLen:]
	if uint64(len(payload)) != n {
		return nil, fmt.Errorf("truncated: %d of %d bytes", len(payload), n)
	}
	if got := sha256.Sum256(payload); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checksum mismatch")
	}
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
	name, err := c.file(key)
	if err != nil {
		return err
	}
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
	sum := sha256.Sum256(payload.Bytes())
	header := slices.Concat(cacheMagic, sum[:], binary.BigEndian.AppendUint64(nil, uint64(payload.Len())))

	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("reference cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("reference cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, there is nothing to remove
	_, err = tmp.Write(header)
	if err == nil {
		_, err = tmp.Write(payload.Bytes())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		return fmt.Errorf("reference cache: %w", err)
	}
	return nil
}
