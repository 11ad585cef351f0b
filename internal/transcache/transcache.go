// Package transcache keeps what reading a tree's migrations gave between
// runs (a migrations.Store): translating a large Django or Rails project
// is most of a check, and a repeat run over the same files reads the
// result back. Entries are keyed by the tool itself (its translators)
// and by what the migrations package asks for; they live under the user
// cache directory in a diskcache.Dir, which is safe under concurrent
// runs, bounded in size and ignores damaged entries.
package transcache

import (
	"os"
	"path/filepath"
	"sync"

	"github.com/schemagate/schemagate/internal/diskcache"
	"github.com/schemagate/schemagate/internal/lintcache"
)

// MaxBytes bounds the cache directory.
const MaxBytes = 256 << 20

// Store is a migrations.Store on disk. Use Open.
type Store struct {
	dir  diskcache.Dir
	tool string
	wg   sync.WaitGroup
	log  func(format string, args ...any)

	mu  sync.Mutex
	put map[string][]byte // what this run stored, while it is written
}

// Open returns the store of the tool at version, in the user cache
// directory's schemagate/translations, or in SCHEMAGATE_CACHE_DIR's
// translations when that is set. log, when set, is told about entries
// discarded and writes that failed.
func Open(version string, log func(format string, args ...any)) *Store {
	path := ""
	if d := os.Getenv(lintcache.DirEnv); d != "" {
		path = filepath.Join(d, "translations")
	}
	return &Store{
		dir:  diskcache.Dir{Path: path, Name: "translations", Title: "translation cache", Magic: [8]byte{'S', 'G', 'T', 'R', 'A', 'N', 0, 1}, MaxBytes: MaxBytes, Log: log},
		tool: diskcache.ToolID(version),
		log:  log,
	}
}

// OpenDir returns a store in dir, for tests and benchmarks.
func OpenDir(dir, version string) *Store {
	s := Open(version, nil)
	s.dir.Path = dir
	return s
}

func (s *Store) key(k string) string { return s.tool + "\x00" + k }

// Get implements migrations.Store. What this run stored is seen at once,
// written or not: the two releases of a check share an index entry.
func (s *Store) Get(key string) ([]byte, bool) {
	s.mu.Lock()
	p, ok := s.put[key]
	s.mu.Unlock()
	if ok {
		return p, true
	}
	return s.dir.Get(s.key(key))
}

// Put implements migrations.Store. The entry is written in the
// background; Wait waits for it.
func (s *Store) Put(key string, payload []byte) {
	s.mu.Lock()
	if s.put == nil {
		s.put = map[string][]byte{}
	}
	s.put[key] = payload
	s.mu.Unlock()
	s.wg.Go(func() {
		if err := s.dir.Put(s.key(key), payload); err != nil && s.log != nil {
			s.log("translation cache: %v", err)
		}
	})
}

// Wait waits for the entries being written.
func (s *Store) Wait() { s.wg.Wait() }
