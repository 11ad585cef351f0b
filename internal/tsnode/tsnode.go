// Package tsnode walks tree-sitter trees in linear time. tree-sitter's
// Node.Child(i) and NamedChild(i) are linear in i (they step through the
// siblings before i), and Node.Content copies the text, so the obvious
// index loop over a long list, or the text of every node of a deep
// tree, is quadratic. A cursor steps to the next sibling in constant
// time, and a substring of the source shares its bytes.
package tsnode

import sitter "github.com/smacker/go-tree-sitter"

// Children returns every child of n, in order.
func Children(n *sitter.Node) []*sitter.Node { return children(n, false) }

// Named returns the named children of n, in order.
func Named(n *sitter.Node) []*sitter.Node { return children(n, true) }

// fewChildren is the child count up to which indexing beats a cursor:
// Child(i) steps through i siblings, but a cursor costs an allocation,
// a finalizer and three more cgo calls.
const fewChildren = 8

func children(n *sitter.Node, named bool) []*sitter.Node {
	if n == nil {
		return nil
	}
	count := int(n.ChildCount())
	if count == 0 {
		return nil
	}
	if count <= fewChildren {
		out := make([]*sitter.Node, 0, count)
		for i := range count {
			if k := n.Child(i); !named || k.IsNamed() {
				out = append(out, k)
			}
		}
		return out
	}
	c := sitter.NewTreeCursor(n)
	defer c.Close()
	var out []*sitter.Node
	if !c.GoToFirstChild() {
		return nil
	}
	for {
		if k := c.CurrentNode(); !named || k.IsNamed() {
			out = append(out, k)
		}
		if !c.GoToNextSibling() {
			return out
		}
	}
}

// Text is n's source text, sharing src's memory.
func Text(n *sitter.Node, src string) string {
	return src[n.StartByte():n.EndByte()]
}
