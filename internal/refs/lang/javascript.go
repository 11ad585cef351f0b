package lang

import (
	sitter "github.com/smacker/go-tree-sitter"
)

var jsHoles = set("template_substitution")

// jsDecode appends the value of a JavaScript/TypeScript string or
// template literal (tagged or not: sql`...` sends the same text with the
// substitutions as parameters).
func jsDecode(f *tsFile, b *builder, n *sitter.Node, typ string) bool {
	kids, open, close, ok := delimited(n)
	if !ok || open.EndByte() > close.StartByte() {
		return false
	}
	holes := map[string]bool(nil)
	if typ == "template_string" {
		holes = jsHoles
	}
	decodeParts(f, b, kids, int(open.EndByte()), int(close.StartByte()), holes, &textState{esc: jsEscape})
	return true
}
