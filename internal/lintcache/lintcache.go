// Package lintcache keeps lint findings on disk between runs (a
// lint.Store): a run over migrations that did not change reads its
// findings back instead of parsing. Entries are keyed by lint's key for
// the run (the migrations' contents, the PostgreSQL version, the
// configuration) and by the tool itself; they live under the user cache
// directory, in a diskcache.Dir that is safe under concurrent runs,
// bounded in size and ignores damaged entries.
package lintcache

import (
	"io"
	"os"
	"sync"

	"github.com/schemagate/schemagate/internal/diskcache"
	"github.com/schemagate/schemagate/rules"
)

// MaxBytes bounds the cache directory.
const MaxBytes = 256 << 20

// DirEnv names the environment variable that, when set, is the directory
// entries are kept in instead of the user cache directory's
// schemagate/lint.
const DirEnv = "SCHEMAGATE_CACHE_DIR"

// Store is a lint.Store on disk. Its zero value is not usable: use Open.
type Store struct {
	dir  diskcache.Dir
	tool string
	wg   sync.WaitGroup
	log  func(format string, args ...any)
}

// Open returns the store of the tool at version. log, when set, is told
// about entries discarded and writes that failed.
func Open(version string, log func(format string, args ...any)) *Store {
	return &Store{
		dir:  diskcache.Dir{Path: os.Getenv(DirEnv), Name: "lint", Title: "lint cache", Magic: [8]byte{'S', 'G', 'L', 'I', 'N', 'T', 0, 3}, MaxBytes: MaxBytes, Log: log, CRC: true},
		tool: diskcache.ToolID(version),
		log:  log,
	}
}

func (s *Store) key(k string) string { return s.tool + "\x00" + k }

// Get implements lint.Store.
func (s *Store) Get(key string) ([]rules.Finding, bool) {
	var fs []rules.Finding
	ok := s.dir.GetFunc(s.key(key), func(r io.Reader) (err error) {
		fs, err = decode(r)
		return err
	})
	if !ok {
		return nil, false
	}
	return fs, true
}

// Put implements lint.Store. The entry is written in the background,
// while the caller reports; Wait waits for it.
func (s *Store) Put(key string, findings []rules.Finding) {
	s.wg.Go(func() {
		err := s.dir.PutFunc(s.key(key), func(w io.Writer) error { return encode(w, findings) })
		if err != nil && s.log != nil {
			s.log("lint cache: %v", err)
		}
	})
}

// Wait waits for the entries being written.
func (s *Store) Wait() { s.wg.Wait() }
