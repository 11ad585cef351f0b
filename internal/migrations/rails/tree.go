package rails

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/ruby"

	"github.com/schemagate/schemagate/internal/migrations/nesting"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// node is a tree-sitter node copied into Go memory: the interpreter walks
// it many times, and crossing cgo for every child costs more than the
// parse itself. Comments are dropped.
type node struct {
	typ     string
	start   int
	end     int
	named   bool
	missing bool
	kids    []*node
}

// symbol tables of the Ruby grammar, computed once.
var (
	rubyOnce  sync.Once
	rubyLang  *sitter.Language
	symNames  []string
	symNamed  []bool
	symComent sitter.Symbol
)

func rubyLanguage() *sitter.Language {
	rubyOnce.Do(func() {
		rubyLang = ruby.GetLanguage()
		n := int(rubyLang.SymbolCount())
		symNames = make([]string, n)
		symNamed = make([]bool, n)
		for i := 0; i < n; i++ {
			s := sitter.Symbol(i)
			symNames[i] = rubyLang.SymbolName(s)
			symNamed[i] = rubyLang.SymbolType(s) == sitter.SymbolTypeRegular
			if symNames[i] == "comment" && symNamed[i] {
				symComent = s
			}
		}
	})
	return rubyLang
}

// parseRuby parses src and copies the tree. A file nested deeper than
// nesting.MaxRuby is not parsed (tree-sitter would spend seconds on it):
// its tree is an empty program and tooDeep is set.
func parseRuby(p *sitter.Parser, src []byte, scratch *[]int32) parsed {
	if at := nesting.Ruby(src); at >= 0 {
		return parsed{root: &node{typ: "program", end: len(src), named: true}, tooDeep: true, deepAt: at}
	}
	t, err := p.ParseCtx(context.Background(), nil, src)
	if err != nil || t == nil {
		p.Reset() // the parser is used again
		return parsed{root: &node{typ: "ERROR", end: len(src), named: true}, hasError: true}
	}
	defer t.Close()
	rn := t.RootNode()
	return parsed{root: walkTree(rn, scratch), hasError: rn.HasError()}
}

// parsed is one file's tree.
type parsed struct {
	root *node
	// hasError reports ERROR or MISSING nodes anywhere.
	hasError bool
	// tooDeep is set when the bracket at deepAt nests past
	// nesting.MaxRuby: the file was not parsed.
	tooDeep bool
	deepAt  int
}

// parseAll parses the files on every core: parsing dominates translation
// time, and files are independent until their operations are replayed.
// The result's get blocks until file i is parsed, so replay starts with
// the first file while the others are still being parsed.
func parseAll(srcs [][]byte) (get func(i int) parsed) {
	rubyLanguage()
	out := make([]parsed, len(srcs))
	ready := make([]chan struct{}, len(srcs))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), len(srcs))
	for w := 0; w < workers; w++ {
		go func() {
			p := tsnode.GetParser(rubyLang)
			defer tsnode.PutParser(rubyLang, p)
			var scratch []int32
			for {
				i := int(next.Add(1) - 1)
				if i >= len(srcs) {
					return
				}
				out[i] = parseRuby(p, srcs[i], &scratch)
				close(ready[i])
			}
		}()
	}
	return func(i int) parsed {
		<-ready[i]
		return out[i]
	}
}

// named returns the named children.
func (n *node) namedKids() []*node {
	var out []*node
	for _, k := range n.kids {
		if k.named {
			out = append(out, k)
		}
	}
	return out
}

// child returns the first child of type typ, or nil.
func (n *node) child(typ string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.typ == typ {
			return k
		}
	}
	return nil
}

// firstNamed returns the first named child, or nil.
func (n *node) firstNamed() *node {
	for _, k := range n.kids {
		if k.named {
			return k
		}
	}
	return nil
}

// lastNamed returns the last named child, or nil.
func (n *node) lastNamed() *node {
	for i := len(n.kids) - 1; i >= 0; i-- {
		if n.kids[i].named {
			return n.kids[i]
		}
	}
	return nil
}

func (n *node) text(src []byte) string { return string(src[n.start:n.end]) }

// callParts splits a call node into receiver, method name node, argument
// list and block (any may be nil). tree-sitter's field names are not
// copied: the shape of a call is enough to tell them apart.
func callParts(n *node) (recv, meth, args, block *node) {
	withOp := false
	for _, k := range n.kids {
		switch k.typ {
		case ".", "&.", "::":
			withOp = true
		}
	}
	sawOp := false
	for _, k := range n.kids {
		switch k.typ {
		case ".", "&.", "::":
			sawOp = true
		case "argument_list":
			args = k
		case "block", "do_block":
			block = k
		default:
			if !k.named {
				continue
			}
			if withOp && !sawOp && recv == nil {
				recv = k
			} else if meth == nil {
				meth = k
			}
		}
	}
	return
}

// blockParts returns a block's parameters and its body statements.
func blockParts(b *node) (params []*node, body []*node) {
	if b == nil {
		return nil, nil
	}
	for _, k := range b.kids {
		switch k.typ {
		case "block_parameters":
			for _, p := range k.kids {
				if p.typ == "identifier" {
					params = append(params, p)
				}
			}
		case "block_body", "body_statement":
			body = k.kids
		}
	}
	return params, body
}

// syntaxErrors returns the innermost ERROR nodes and the MISSING nodes.
func syntaxErrors(n *node) []*node {
	var out []*node
	var walk func(n *node) bool
	walk = func(n *node) bool {
		found := false
		for _, k := range n.kids {
			if walk(k) {
				found = true
			}
		}
		if n.missing {
			out = append(out, n)
			return true
		}
		if n.typ == "ERROR" && !found {
			out = append(out, n)
			return true
		}
		return found || n.typ == "ERROR"
	}
	walk(n)
	return out
}
