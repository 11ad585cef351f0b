package tsnode

/*
#include <stdint.h>
#include <stdbool.h>

// The tree-sitter types and functions the copy needs, as
// go-tree-sitter's api.h declares them; the definitions are linked from
// github.com/smacker/go-tree-sitter.
typedef uint16_t TSSymbol;
typedef uint16_t TSFieldId;
typedef struct TSTree TSTree;
typedef struct TSNode {
	uint32_t context[4];
	const void *id;
	const TSTree *tree;
} TSNode;
typedef struct TSTreeCursor {
	const void *tree;
	const void *id;
	uint32_t context[3];
} TSTreeCursor;

TSTreeCursor ts_tree_cursor_new(TSNode);
void ts_tree_cursor_delete(TSTreeCursor *);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *);
TSFieldId ts_tree_cursor_current_field_id(const TSTreeCursor *);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
bool ts_tree_cursor_goto_parent(TSTreeCursor *);
TSSymbol ts_node_symbol(TSNode);
uint32_t ts_node_start_byte(TSNode);
uint32_t ts_node_end_byte(TSNode);
bool ts_node_is_missing(TSNode);
bool ts_node_is_named(TSNode);
bool ts_node_has_error(TSNode);
uint32_t ts_node_descendant_count(TSNode);

// tsn_copy writes the tree in preorder, five numbers a node: symbol
// with flags above it (1 named, 2 missing, 8 an error below), start
// byte, end byte, depth and field id. Nodes of symbol skip (-1 for none)
// are left out with what is under them, and so are nodes deeper than
// max_depth: a node at max_depth is written without its children, and
// with flag 8 when there is an error among them. It returns the number
// of nodes, which may exceed cap: then only cap were written and the
// caller retries with room enough. The depth is unbounded (a chain of
// 100,000 + is that deep), so the walk keeps no stack of its own: the
// caller rebuilds parents from the depths.
static int tsn_copy(TSNode root, int skip, int max_depth, int32_t *out, int cap) {
	TSTreeCursor c = ts_tree_cursor_new(root);
	int depth = 0, n = 0;
	for (;;) {
		TSNode x = ts_tree_cursor_current_node(&c);
		int sym = ts_node_symbol(x);
		if (sym != skip || depth == 0) {
			bool below = depth < max_depth;
			if (n < cap) {
				int32_t *o = out + 5*n;
				o[0] = (int32_t)sym | (ts_node_is_named(x) ? 1<<16 : 0) | (ts_node_is_missing(x) ? 2<<16 : 0) |
					(!below && ts_node_has_error(x) ? 8<<16 : 0);
				o[1] = (int32_t)ts_node_start_byte(x);
				o[2] = (int32_t)ts_node_end_byte(x);
				o[3] = depth;
				o[4] = (int32_t)ts_tree_cursor_current_field_id(&c);
			}
			n++;
			if (below && ts_tree_cursor_goto_first_child(&c)) {
				depth++;
				continue;
			}
		}
		while (!ts_tree_cursor_goto_next_sibling(&c)) {
			if (depth == 0 || !ts_tree_cursor_goto_parent(&c)) {
				ts_tree_cursor_delete(&c);
				return n;
			}
			depth--;
		}
	}
}
*/
import "C"

import (
	"bytes"
	"math"
	"sync"
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

// Node is a tree-sitter node copied into Go memory. Going through
// go-tree-sitter costs a cgo call for every step and keeps every node
// visited in a map for the tree's life; a migration of a megabyte has
// hundreds of thousands of nodes, and a translator visits most of them
// more than once. Its methods are go-tree-sitter's, for the subset the
// translators use.
type Node struct {
	t            *tree
	start, end   uint32
	row          uint32
	first, count uint32 // the children are t.kids[first:first+count]
	parent       int32  // index in t.nodes, -1 for the root
	sym          uint16
	field        uint16
	flags        uint8
}

// tree is what the nodes of one copy share.
type tree struct {
	lang  *language
	kids  []*Node
	nodes []Node
}

func (n *Node) kids() []*Node {
	end := n.first + n.count
	return n.t.kids[n.first:end:end]
}

const (
	flagNamed = 1 << iota
	flagMissing
	flagError    // an ERROR node
	flagHasError // an ERROR or MISSING node here or below
)

var newline = []byte{'\n'}

// Point is a row and column, as tree-sitter counts them from 0.
type Point struct{ Row, Column uint32 }

// language is what a copy needs of a grammar: its symbol and field
// names, read once.
type language struct {
	symbols []string
	fields  map[string]uint16
	comment int // the named symbol "comment", or -1
	lang    *sitter.Language
}

// languages is keyed by the grammar's C pointer, not by the
// *sitter.Language: the grammar packages' GetLanguage returns a new Go
// value on every call, and a map keyed by it grew with every parse.
var languages sync.Map // C TSLanguage pointer -> *language

// grammarKey is the grammar's C pointer, which sitter.Language holds
// and nothing else: the same for every Go value of one grammar.
func grammarKey(l *sitter.Language) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(l))
}

func languageOf(l *sitter.Language) *language {
	key := grammarKey(l)
	if v, ok := languages.Load(key); ok {
		return v.(*language)
	}
	info := &language{lang: l, fields: map[string]uint16{}, comment: -1}
	n := int(l.SymbolCount())
	info.symbols = make([]string, n)
	for i := range n {
		info.symbols[i] = l.SymbolName(sitter.Symbol(i))
		if info.symbols[i] == "comment" && info.comment < 0 && l.SymbolType(sitter.Symbol(i)) == sitter.SymbolTypeRegular {
			info.comment = i
		}
	}
	for i := 1; ; i++ {
		name := l.FieldName(i)
		if name == "" {
			break
		}
		info.fields[name] = uint16(i)
	}
	v, _ := languages.LoadOrStore(key, info)
	return v.(*language)
}

// Parse parses src with lang and returns the root of its copy; the
// tree-sitter tree is freed before it returns.
func Parse(lang *sitter.Language, src []byte) *Node {
	return ParseWith(lang, src, Options{})
}

// Options choose what a copy leaves out; the zero value leaves out
// nothing.
type Options struct {
	// NoComments leaves out the comments (nodes of the grammar's named
	// symbol "comment"), for an interpreter to which they are noise.
	NoComments bool
	// MaxDepth, when positive, leaves out the nodes deeper than it (the
	// root is at depth 0): a node at MaxDepth has no children, though
	// HasError still sees errors among the ones it had. An interpreter
	// that recurses on the tree bounds its recursion with it.
	MaxDepth int
}

// ParseWith is Parse with options.
func ParseWith(lang *sitter.Language, src []byte, opts Options) *Node {
	info := languageOf(lang)
	// The parse fails only without a language, on a cancelled context or
	// past an operation limit, none of which can happen here.
	tree, err := ParseTree(lang, src, 0)
	if err != nil {
		panic("tsnode: tree-sitter parser: " + err.Error())
	}
	defer tree.Close()
	return copyTree(tree.RootNode(), info, src, opts)
}

const fields = 5 // numbers tsn_copy writes a node

// scratch holds tsn_copy's output buffers between parses: a command
// parses many files, and the buffer is as large as the biggest tree.
// The largest is kept outside the pool, which every collection empties:
// the parse of a large file runs several, and the next parse allocated
// (and faulted in) its buffer again. A buffer larger than maxKept (a
// tree of about 3 MB of source) goes back to the pool, so that a
// language server does not hold the biggest file it ever saw.
var scratch = struct {
	sync.Mutex
	kept *[]int32
	pool sync.Pool
}{pool: sync.Pool{New: func() any { return new([]int32) }}}

func getScratch() *[]int32 {
	scratch.Lock()
	b := scratch.kept
	scratch.kept = nil
	scratch.Unlock()
	if b != nil {
		return b
	}
	return scratch.pool.Get().(*[]int32)
}

const maxKept = 8 << 20 // int32s: 32 MB

func putScratch(b *[]int32) {
	scratch.Lock()
	if cap(*b) <= maxKept && (scratch.kept == nil || len(*b) > len(*scratch.kept)) {
		b, scratch.kept = scratch.kept, b
	}
	scratch.Unlock()
	if b != nil {
		scratch.pool.Put(b)
	}
}

func copyTree(rn *sitter.Node, info *language, src []byte, opts Options) *Node {
	// sitter.Node starts with its C TSNode.
	croot := *(*C.TSNode)(unsafe.Pointer(rn))
	skip, maxDepth := -1, math.MaxInt32
	if opts.NoComments {
		skip = info.comment
	}
	if opts.MaxDepth > 0 {
		maxDepth = min(opts.MaxDepth, maxDepth)
	}
	bufp := getScratch()
	defer putScratch(bufp)
	// tree-sitter keeps the count of visible nodes, which is what the
	// walk visits (or more, when it leaves some out); a second walk would
	// only follow a wrong count.
	capacity := int(C.ts_node_descendant_count(croot))
	for {
		if len(*bufp) < fields*capacity {
			*bufp = make([]int32, fields*capacity)
		}
		buf := *bufp
		n := int(C.tsn_copy(croot, C.int(skip), C.int(maxDepth), (*C.int32_t)(unsafe.Pointer(&buf[0])), C.int(capacity)))
		if n <= capacity {
			return buildNodes(buf[:fields*n], n, info, src)
		}
		capacity = n
	}
}

// buildNodes turns tsn_copy's output into nodes, all in one slice and
// the child lists in one backing array.
func buildNodes(buf []int32, n int, info *language, src []byte) *Node {
	t := &tree{lang: info, kids: make([]*Node, n)}
	nodes := make([]Node, n)
	t.nodes = nodes
	var stack []int32 // the open ancestors of the current node
	for i := range n {
		d := int(buf[fields*i+3])
		stack = stack[:min(d, len(stack))]
		nodes[i].parent = -1
		if d > 0 {
			nodes[i].parent = stack[d-1]
			nodes[stack[d-1]].count++
		}
		stack = append(stack, int32(i))
	}
	off := uint32(0)
	for i := range nodes {
		nodes[i].first, off = off, off+nodes[i].count
		nodes[i].count = 0
	}
	// Starts never decrease in preorder, so rows are counted in one pass.
	row, pos := uint32(0), 0
	for i := range n {
		r := buf[fields*i : fields*i+fields]
		x := &nodes[i]
		x.t = t
		x.sym = uint16(r[0])
		x.flags = uint8(r[0] >> 16)
		if x.sym == symError {
			x.flags |= flagError
		}
		if x.flags&(flagError|flagMissing) != 0 {
			x.flags |= flagHasError
		}
		x.start, x.end, x.field = uint32(r[1]), uint32(r[2]), uint16(r[4])
		if s := min(int(x.start), len(src)); s > pos {
			row += uint32(bytes.Count(src[pos:s], newline))
			pos = s
		}
		x.row = row
		if p := x.parent; p >= 0 {
			q := &nodes[p]
			t.kids[q.first+q.count] = x
			q.count++
		}
	}
	for i := n - 1; i > 0; i-- {
		if nodes[i].flags&flagHasError != 0 {
			nodes[nodes[i].parent].flags |= flagHasError
		}
	}
	return &nodes[0]
}

// symError is tree-sitter's ts_builtin_sym_error, outside the grammar's
// symbol table.
const symError = 0xFFFF

// Type is the node's grammar symbol ("call", "identifier", "(").
func (n *Node) Type() string {
	if syms := n.t.lang.symbols; int(n.sym) < len(syms) {
		return syms[n.sym]
	}
	return "ERROR"
}

// StartByte and EndByte are the node's byte range in the source.
func (n *Node) StartByte() uint32 { return n.start }

// EndByte is the offset just past the node.
func (n *Node) EndByte() uint32 { return n.end }

// StartPoint is where the node starts; only the row is known.
func (n *Node) StartPoint() Point { return Point{Row: n.row} }

// IsNamed reports whether the node is a named one (not punctuation).
func (n *Node) IsNamed() bool { return n.flags&flagNamed != 0 }

// IsMissing reports a node the parser inserted to recover from an error.
func (n *Node) IsMissing() bool { return n.flags&flagMissing != 0 }

// IsError reports an ERROR node.
func (n *Node) IsError() bool { return n.flags&flagError != 0 }

// HasError reports an ERROR or MISSING node at n or below.
func (n *Node) HasError() bool { return n.flags&flagHasError != 0 }

// Parent is the node's parent, or nil for the root.
func (n *Node) Parent() *Node {
	if n.parent < 0 {
		return nil
	}
	return &n.t.nodes[n.parent]
}

// ChildCount is the number of children, named or not.
func (n *Node) ChildCount() uint32 { return n.count }

// Child is the i-th child, or nil.
func (n *Node) Child(i int) *Node {
	if i < 0 || i >= int(n.count) {
		return nil
	}
	return n.t.kids[int(n.first)+i]
}

// NamedChildCount is the number of named children.
func (n *Node) NamedChildCount() uint32 {
	c := uint32(0)
	for _, k := range n.kids() {
		if k.IsNamed() {
			c++
		}
	}
	return c
}

// NamedChild is the i-th named child, or nil.
func (n *Node) NamedChild(i int) *Node {
	for _, k := range n.kids() {
		if k.IsNamed() {
			if i == 0 {
				return k
			}
			i--
		}
	}
	return nil
}

// ChildByFieldName is the first child in the named field, or nil.
func (n *Node) ChildByFieldName(name string) *Node {
	id, ok := n.t.lang.fields[name]
	if !ok {
		return nil
	}
	for _, k := range n.kids() {
		if k.field == id {
			return k
		}
	}
	return nil
}
