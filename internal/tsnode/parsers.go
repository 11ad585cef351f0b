package tsnode

import (
	"context"
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

// Parsers are kept for the next parse with the same grammar, as
// tree-sitter intends (a parse ends by resetting its parser). A new
// parser for each file costs its setup, and deleting one after a large
// parse lets the C allocator hand the tree's memory back to the system,
// so that the next parse of a large file pays page faults again (about
// as much as the parse itself for a megabyte of Ruby).
var parsers = struct {
	sync.Mutex
	idle map[unsafe.Pointer][]*sitter.Parser // by the grammar's C pointer, as languages
}{idle: map[unsafe.Pointer][]*sitter.Parser{}}

// maxIdle parsers are kept per grammar: parses run on a few goroutines
// at most.
const maxIdle = 4

// GetParser returns a parser set to lang, kept from an earlier parse
// when there is one. Give it back with PutParser.
func GetParser(lang *sitter.Language) *sitter.Parser {
	key := grammarKey(lang)
	parsers.Lock()
	idle := parsers.idle[key]
	if n := len(idle); n > 0 {
		p := idle[n-1]
		parsers.idle[key] = idle[:n-1]
		parsers.Unlock()
		return p
	}
	parsers.Unlock()
	p := sitter.NewParser()
	p.SetLanguage(lang)
	return p
}

// PutParser keeps p, set to lang, for the next GetParser. Its last
// parse must have finished, or p been Reset: a parser whose parse
// stopped part way would resume it.
func PutParser(lang *sitter.Language, p *sitter.Parser) {
	key := grammarKey(lang)
	parsers.Lock()
	if len(parsers.idle[key]) < maxIdle {
		parsers.idle[key] = append(parsers.idle[key], p)
		p = nil
	}
	parsers.Unlock()
	if p != nil {
		p.Close()
	}
}

// ParseTree parses src with lang on a kept parser and returns
// tree-sitter's tree, which the caller closes. limit, when not 0, is how
// many microseconds of parsing it may take before it gives up with an
// error: a safety net against pathological input for readers of whole
// projects.
func ParseTree(lang *sitter.Language, src []byte, limit int) (*sitter.Tree, error) {
	p := GetParser(lang)
	p.SetOperationLimit(limit)
	tree, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil {
		p.Reset() // a parse that stopped part way would resume
	}
	PutParser(lang, p)
	return tree, err
}
