// Package tsnode parses with tree-sitter and copies the tree into Go
// memory (Node), so that translators walk it in linear time without a
// cgo call per step. tree-sitter's own Node.Child(i) and NamedChild(i)
// are linear in i, its Content copies the text, and go-tree-sitter keeps
// every node visited in a map; a copied tree has none of that, and a
// substring of the source shares its bytes.
package tsnode

// Children returns every child of n, in order. The slice is n's own:
// callers must not change it.
func Children(n *Node) []*Node {
	if n == nil {
		return nil
	}
	return n.kids()
}

// Named returns the named children of n, in order.
func Named(n *Node) []*Node {
	if n == nil {
		return nil
	}
	var out []*Node
	for _, k := range n.kids() {
		if k.IsNamed() {
			out = append(out, k)
		}
	}
	return out
}

// OnlyNamed returns n's one named child that is not a comment (the
// expression of `( # noqa\n x )`), or nil when there is none or more.
func OnlyNamed(n *Node) *Node {
	var one *Node
	for _, c := range Named(n) {
		if c.Type() == "comment" {
			continue
		}
		if one != nil {
			return nil
		}
		one = c
	}
	return one
}

// Text is n's source text, sharing src's memory.
func Text(n *Node, src string) string {
	return src[n.StartByte():n.EndByte()]
}
