package scan

import (
	"crypto/sha256"
	"sync"

	"github.com/schemagate/schemagate/internal/refs"
)

// Memo remembers each file's references by path and content, so that
// indexing two releases in one run (check reads the deployed one and the
// new one, at once) extracts only the files that differ. Safe for
// concurrent use: a file two builds ask for at the same time is extracted
// by the first, and the other waits for it.
type Memo struct {
	mu sync.Mutex
	m  map[[32]byte]*memoEntry
}

type memoEntry struct {
	once sync.Once
	r    result
}

// NewMemo returns an empty memo.
func NewMemo() *Memo { return &Memo{m: map[[32]byte]*memoEntry{}} }

func memoKey(path string, src []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(src)
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

// do returns the result remembered under k, or extract's, remembered.
func (m *Memo) do(k [32]byte, extract func() result) result {
	if m == nil {
		return extract()
	}
	m.mu.Lock()
	e, ok := m.m[k]
	if !ok {
		e = &memoEntry{}
		m.m[k] = e
	}
	m.mu.Unlock()
	e.once.Do(func() {
		r := extract()
		e.r = result{refs: append([]refs.Reference(nil), r.refs...), errs: r.errs}
	})
	return e.r
}
