package rails

import (
	"runtime"
	"sync/atomic"

	"github.com/smacker/go-tree-sitter/ruby"

	"github.com/schemagate/schemagate/internal/migrations/nesting"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// node is a tree-sitter node copied into Go memory: the interpreter walks
// it many times, and crossing cgo for every child costs more than the
// parse itself.
type node = tsnode.Node

// copyOptions are what the interpreter needs of a tree: no comments, and
// no node deeper than maxDepth, so that its recursion stays bounded on a
// chain of 100,000 `+` (which brackets do not nest, so nesting.Ruby
// lets it through).
var copyOptions = tsnode.Options{NoComments: true, MaxDepth: maxDepth}

const maxDepth = 4096

// parseRuby parses src and copies the tree. A file nested deeper than
// nesting.MaxRuby is not parsed (tree-sitter would spend seconds on it):
// its tree is an empty program and tooDeep is set.
func parseRuby(src []byte) parsed {
	if at := nesting.Ruby(src); at >= 0 {
		return parsed{root: tsnode.ParseWith(ruby.GetLanguage(), nil, copyOptions), tooDeep: true, deepAt: at}
	}
	root := tsnode.ParseWith(ruby.GetLanguage(), src, copyOptions)
	return parsed{root: root, hasError: root.HasError()}
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
	out := make([]parsed, len(srcs))
	ready := make([]chan struct{}, len(srcs))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), len(srcs))
	for range workers {
		go func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(srcs) {
					return
				}
				out[i] = parseRuby(srcs[i])
				close(ready[i])
			}
		}()
	}
	return func(i int) parsed {
		<-ready[i]
		return out[i]
	}
}

// child returns the first child of type typ, or nil.
func child(n *node, typ string) *node {
	for _, k := range tsnode.Children(n) {
		if k.Type() == typ {
			return k
		}
	}
	return nil
}

// lastNamed returns the last named child, or nil.
func lastNamed(n *node) *node {
	kids := tsnode.Children(n)
	for i := len(kids) - 1; i >= 0; i-- {
		if kids[i].IsNamed() {
			return kids[i]
		}
	}
	return nil
}

// text is n's source text, a copy; t.text shares the file's memory.
func text(n *node, src []byte) string { return string(src[n.StartByte():n.EndByte()]) }

// text is n's source text, sharing the file's memory: a copy of it made
// on first use (a file too deep to parse has none).
func (t *tr) text(n *node) string {
	if t.str == "" {
		t.str = string(t.src)
	}
	return tsnode.Text(n, t.str)
}

// callParts splits a call node into receiver, method name node, argument
// list and block (any may be nil). tree-sitter's field names are not
// copied: the shape of a call is enough to tell them apart.
func callParts(n *node) (recv, meth, args, block *node) {
	withOp := false
	for _, k := range tsnode.Children(n) {
		switch k.Type() {
		case ".", "&.", "::":
			withOp = true
		}
	}
	sawOp := false
	for _, k := range tsnode.Children(n) {
		switch k.Type() {
		case ".", "&.", "::":
			sawOp = true
		case "argument_list":
			args = k
		case "block", "do_block":
			block = k
		default:
			if !k.IsNamed() {
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
	for _, k := range tsnode.Children(b) {
		switch k.Type() {
		case "block_parameters":
			for _, p := range tsnode.Children(k) {
				if p.Type() == "identifier" {
					params = append(params, p)
				}
			}
		case "block_body", "body_statement":
			body = tsnode.Children(k)
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
		for _, k := range tsnode.Children(n) {
			if walk(k) {
				found = true
			}
		}
		if n.IsMissing() {
			out = append(out, n)
			return true
		}
		if n.Type() == "ERROR" && !found {
			out = append(out, n)
			return true
		}
		return found || n.Type() == "ERROR"
	}
	walk(n)
	return out
}
