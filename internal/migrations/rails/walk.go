package rails

/*
#include <stdint.h>
#include <stdbool.h>

// The few tree-sitter types and functions the walker needs, as
// go-tree-sitter's api.h declares them; the definitions are linked from
// github.com/smacker/go-tree-sitter.
typedef uint16_t TSSymbol;
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
bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
bool ts_tree_cursor_goto_parent(TSTreeCursor *);
TSSymbol ts_node_symbol(TSNode);
uint32_t ts_node_start_byte(TSNode);
uint32_t ts_node_end_byte(TSNode);
bool ts_node_is_missing(TSNode);
uint32_t ts_node_descendant_count(TSNode);

// sg_walk writes the tree in preorder, four numbers a node: symbol
// (bit 16 set when MISSING), start byte, end byte, parent index (-1 for
// the root). Nodes of symbol skip (comments) are left out. It returns
// the number of nodes, which may exceed cap: then only cap were written
// and the caller retries with room enough.
static int sg_walk(TSNode root, TSSymbol skip, int32_t *out, int cap) {
	TSTreeCursor c = ts_tree_cursor_new(root);
	int32_t stack[4096];
	int depth = 0, n = 0;
	for (;;) {
		TSNode x = ts_tree_cursor_current_node(&c);
		TSSymbol sym = ts_node_symbol(x);
		bool descend = false;
		if (sym != skip || n == 0) {
			if (n < cap) {
				out[4*n] = (int32_t)sym | (ts_node_is_missing(x) ? 0x10000 : 0);
				out[4*n+1] = (int32_t)ts_node_start_byte(x);
				out[4*n+2] = (int32_t)ts_node_end_byte(x);
				out[4*n+3] = depth > 0 ? stack[depth-1] : -1;
			}
			if (depth < 4096 && ts_tree_cursor_goto_first_child(&c)) {
				stack[depth++] = n;
				descend = true;
			}
			n++;
		}
		if (descend) {
			continue;
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
	"unsafe"

	sitter "github.com/smacker/go-tree-sitter"
)

// walkTree copies a tree into Go memory in one cgo call: walking it
// node by node through the bindings costs more than parsing.
// scratch is the walker's output buffer, reused across files.
func walkTree(rn *sitter.Node, scratch *[]int32) *node {
	// sitter.Node starts with its C TSNode.
	croot := *(*C.TSNode)(unsafe.Pointer(rn))
	// tree-sitter keeps the count of the nodes the walk can visit (it
	// skips comments): room enough, without guessing from the size.
	capacity := max(len(*scratch)/4, int(C.ts_node_descendant_count(croot)))
	for {
		if len(*scratch) < 4*capacity {
			*scratch = make([]int32, 4*capacity)
		}
		buf := *scratch
		n := int(C.sg_walk(croot, C.TSSymbol(symComent), (*C.int32_t)(unsafe.Pointer(&buf[0])), C.int(capacity)))
		if n <= capacity {
			return buildNodes(buf[:4*n], n)
		}
		capacity = n
	}
}

// buildNodes turns the walker's output into nodes, all in one slice and
// the child lists in one backing array.
func buildNodes(buf []int32, n int) *node {
	nodes := make([]node, n)
	counts := make([]int32, n)
	for i := 1; i < n; i++ {
		counts[buf[4*i+3]]++
	}
	kids := make([]*node, n)
	off := 0
	for i := 0; i < n; i++ {
		c := int(counts[i])
		nodes[i].kids = kids[off : off : off+c]
		off += c
	}
	for i := 0; i < n; i++ {
		sym := buf[4*i] & 0xFFFF
		x := &nodes[i]
		x.start, x.end = int(buf[4*i+1]), int(buf[4*i+2])
		x.missing = buf[4*i]&0x10000 != 0
		if int(sym) < len(symNames) {
			x.typ, x.named = symNames[sym], symNamed[sym]
		} else {
			x.typ, x.named = "ERROR", true
		}
		if i > 0 {
			p := &nodes[buf[4*i+3]]
			p.kids = append(p.kids, x)
		}
	}
	return &nodes[0]
}
