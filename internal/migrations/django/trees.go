package django

import (
	"sync"

	"github.com/smacker/go-tree-sitter/python"

	"github.com/schemagate/schemagate/internal/tsnode"
)

// Trees shares the syntax trees of migration files, by content, between
// the reads of one run (discovery, then translation, of both releases of
// a check, which may read at once): parsing is most of reading a Django
// project, and each file is parsed once. A nil *Trees shares nothing.
type Trees struct {
	mu    sync.Mutex
	trees map[string]*treeEntry
}

// treeEntry is one file's tree, parsed by the first to ask for it while
// the others wait for that one file only.
type treeEntry struct {
	once sync.Once
	root *tsnode.Node
}

// NewTrees returns an empty Trees.
func NewTrees() *Trees { return &Trees{trees: map[string]*treeEntry{}} }

// Close lets the trees go (they are Go memory, tsnode's copies).
func (t *Trees) Close() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.trees = map[string]*treeEntry{}
}

// tree returns the root of src's syntax tree.
func (t *Trees) tree(src []byte) *tsnode.Node {
	if t == nil {
		return parseTree(src)
	}
	t.mu.Lock()
	e, ok := t.trees[string(src)]
	if !ok {
		e = &treeEntry{}
		t.trees[string(src)] = e
	}
	t.mu.Unlock()
	e.once.Do(func() { e.root = parseTree(src) })
	return e.root
}

func parseTree(src []byte) *tsnode.Node { return tsnode.Parse(python.GetLanguage(), src) }
