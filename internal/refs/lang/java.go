package lang

import (
	"bytes"

	sitter "github.com/smacker/go-tree-sitter"
)

// javaDecode appends the value of a Java string literal or text block.
// A text block's content starts on the line after the opening """; its
// incidental indentation (the least indented non-blank line, counting the
// closing delimiter's line) and trailing spaces are removed before
// escapes are read, as javac does.
func javaDecode(f *tsFile, b *builder, n *sitter.Node, _ string) bool {
	kids, open, close, ok := delimited(n)
	if !ok || open.EndByte() > close.StartByte() {
		return false
	}
	start, end := int(open.EndByte()), int(close.StartByte())
	st := &textState{esc: javaEscape}
	if len(f.text(open)) == 3 {
		nl := bytes.IndexByte(f.src[start:end], '\n')
		if nl < 0 {
			return false
		}
		start += nl + 1
		st.indent = minIndent(f.src, start, end, 1, true)
		st.tabWidth = 1
		st.lineStart = true
		st.stripTrailing = true
	}
	decodeParts(f, b, kids, start, end, nil, st)
	return true
}

// javaTemplate turns the directives of a String.format, printf or
// formatted template into placeholders.
func javaTemplate(f *tsFile, b *builder, root *sitter.Node) *builder {
	p := root.Parent()
	if p == nil {
		return b
	}
	call := p
	if p.Type() == "argument_list" {
		call = p.Parent()
	} else if obj := p.ChildByFieldName("object"); obj == nil || !obj.Equal(root) {
		return b
	}
	if call == nil || call.Type() != "method_invocation" {
		return b
	}
	name := call.ChildByFieldName("name")
	if name == nil {
		return b
	}
	switch string(f.text(name)) {
	case "format", "formatted", "printf":
		return b.transform(printfDirective(true))
	}
	return b
}
