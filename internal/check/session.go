package check

import (
	"sync"

	"github.com/schemagate/schemagate/internal/catalog"
)

// Session keeps what stays the same between runs against the same
// previous release: its migrations, read and translated, and the schema
// they build. The language server checks on every save; with a session
// only the new release is read again. A nil *Session keeps nothing.
type Session struct {
	mu   sync.Mutex
	key  string
	prev *side
	cat  *catalog.Catalog // never handed out: runs get clones
}

// NewSession returns a new, empty session.
func NewSession() *Session { return &Session{} }

// kept is what the session keeps for key (nils for another key). The
// kept catalog is never changed, only replaced, so it is cloned outside
// the lock.
func (s *Session) kept(key string) (*side, *catalog.Catalog) {
	if s == nil {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != key {
		return nil, nil
	}
	return s.prev, s.cat
}

func (s *Session) side(key string) (*side, bool) {
	prev, _ := s.kept(key)
	return prev, prev != nil
}

// catalog returns a copy of the kept schema: a run applies its pending
// migrations to the copy.
func (s *Session) catalog(key string) (*catalog.Catalog, bool) {
	if _, cat := s.kept(key); cat != nil {
		return cat.Clone(), true
	}
	return nil, false
}

// keep remembers the previous release's side and a copy of its schema.
func (s *Session) keep(key string, prev *side, cat *catalog.Catalog) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.key, s.prev, s.cat = key, prev, cat.Clone()
}
