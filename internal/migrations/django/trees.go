package django

import (
	"context"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

// Trees shares the syntax trees of migration files, by content, between
// the reads of one run (discovery, then translation, of both releases of
// a check): parsing is most of reading a Django project, and each file
// is parsed once. Close frees the trees. A nil *Trees shares nothing.
type Trees struct {
	mu    sync.Mutex
	trees map[string]*sitter.Tree
}

// NewTrees returns an empty Trees.
func NewTrees() *Trees { return &Trees{trees: map[string]*sitter.Tree{}} }

// Close frees the trees; the modules read from them must not be used
// after it.
func (t *Trees) Close() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tree := range t.trees {
		tree.Close()
	}
	t.trees = map[string]*sitter.Tree{}
}

// tree returns src's syntax tree and whether t keeps it (the caller must
// not close it then).
func (t *Trees) tree(src []byte) (*sitter.Tree, bool) {
	if t == nil {
		return parseTree(src), false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if tree, ok := t.trees[string(src)]; ok {
		return tree, true
	}
	tree := parseTree(src)
	t.trees[string(src)] = tree
	return tree, true
}

func parseTree(src []byte) *sitter.Tree {
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(python.GetLanguage())
	// No caller has a context to give; parsing is bounded by the file
	// size limit. ParseCtx fails only without a language, on a cancelled
	// context or past a timeout, none of which can happen here.
	tree, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil {
		panic("django: tree-sitter Python parser: " + err.Error())
	}
	return tree
}
