package scan

import (
	"crypto/sha256"
	"sync"

	"github.com/schemagate/schemagate/internal/refs"
)

// Memo remembers each file's references by path and content, so that
// indexing two releases in one run (check reads the deployed one and the
// new one) extracts only the files that differ. Safe for concurrent use.
type Memo struct {
	mu sync.Mutex
	m  map[[32]byte]result
}

// NewMemo returns an empty memo.
func NewMemo() *Memo { return &Memo{m: map[[32]byte]result{}} }

func memoKey(path string, src []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(src)
	var k [32]byte
	copy(k[:], h.Sum(nil))
	return k
}

func (m *Memo) get(k [32]byte) (result, bool) {
	if m == nil {
		return result{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.m[k]
	return r, ok
}

func (m *Memo) put(k [32]byte, r result) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[k] = result{refs: append([]refs.Reference(nil), r.refs...), errs: r.errs}
}
