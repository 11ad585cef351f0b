package lang

import (
	"bytes"

	sitter "github.com/smacker/go-tree-sitter"
)

var pythonHoles = set("interpolation")

// pythonDecode appends the value of a Python string literal. Bytes
// literals are not text a driver sends as SQL and are skipped.
func pythonDecode(f *tsFile, b *builder, n *sitter.Node, _ string) bool {
	kids := children(n)
	if len(kids) < 2 || kids[0].Type() != "string_start" || kids[len(kids)-1].Type() != "string_end" {
		return false
	}
	start := f.text(kids[0])
	prefix := bytes.ToLower(bytes.TrimRight(start, `'"`))
	if bytes.IndexByte(prefix, 'b') >= 0 {
		return false
	}
	st := &textState{esc: pythonEscape}
	if bytes.IndexByte(prefix, 'r') >= 0 {
		st.esc = nil
	}
	holes := map[string]bool(nil)
	if bytes.IndexByte(prefix, 'f') >= 0 {
		st.braces = true
		holes = pythonHoles
	}
	decodeParts(f, b, kids, int(kids[0].EndByte()), int(kids[len(kids)-1].StartByte()), holes, st)
	return true
}

// pythonTemplate turns the fields of a str.format template and the %
// parameters of a query (DB-API format/pyformat paramstyles, or the %
// operator) into placeholders, so the resolver sees PostgreSQL's $n.
func pythonTemplate(f *tsFile, b *builder, root *sitter.Node) *builder {
	if p := root.Parent(); p != nil && p.Type() == "attribute" {
		if attr := p.ChildByFieldName("attribute"); attr != nil && string(f.text(attr)) == "format" {
			return b.transform(pythonFormatField)
		}
	}
	percentOperand := false
	if p := root.Parent(); p != nil && p.Type() == "binary_operator" && binaryOp(p) == "%" && p.Child(0).Equal(root) {
		percentOperand = true
	}
	if percentOperand || usesPercentParams(b.text) {
		return b.transform(pythonPercent)
	}
	return b
}
