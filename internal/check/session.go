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

func (s *Session) side(key string) (*side, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != key || s.prev == nil {
		return nil, false
	}
	return s.prev, true
}

// catalog returns a copy of the kept schema: a run applies its pending
// migrations to the copy.
func (s *Session) catalog(key string) (*catalog.Catalog, bool) {
	if s == nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key != key || s.cat == nil {
		return nil, false
	}
	return s.cat.Clone(), true
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
