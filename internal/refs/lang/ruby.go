package lang

import (
	"bytes"

	sitter "github.com/smacker/go-tree-sitter"
)

var rubyHoles = set("interpolation")

// rubyDecode appends the value of a Ruby string or heredoc body.
func rubyDecode(f *tsFile, b *builder, n *sitter.Node, typ string) bool {
	if typ == "heredoc_body" {
		return rubyHeredoc(f, b, n)
	}
	kids, open, close, ok := delimited(n)
	if !ok {
		return false
	}
	delim := f.text(open)
	st := &textState{esc: rubyEscape}
	switch {
	case len(delim) == 1 && delim[0] == '\'':
		st.esc = rubyQuoteEscape('\'', '\'')
	case len(delim) == 3 && delim[0] == '%' && delim[1] == 'q':
		st.esc = rubyQuoteEscape(delim[2], closingDelim(delim[2]))
	case len(delim) == 1 && delim[0] == '"',
		len(delim) == 2 && delim[0] == '%',
		len(delim) == 3 && delim[0] == '%' && delim[1] == 'Q':
	default:
		return false // %w, %i, character literals and the like are not SQL
	}
	decodeParts(f, b, kids, int(open.EndByte()), int(close.StartByte()), rubyHoles, st)
	return true
}

func closingDelim(c byte) byte {
	switch c {
	case '(':
		return ')'
	case '[':
		return ']'
	case '{':
		return '}'
	case '<':
		return '>'
	}
	return c
}

// rubyHeredoc appends the value of a heredoc body: the lines between its
// opening line and its terminator, with <<~ indentation removed. The
// opening (<<~SQL, <<-'SQL') is a separate node at the start of the
// statement, found on the body's first line by the terminator's name.
func rubyHeredoc(f *tsFile, b *builder, n *sitter.Node) bool {
	kids := children(n)
	if len(kids) == 0 || kids[len(kids)-1].Type() != "heredoc_end" {
		return false
	}
	endNode := kids[len(kids)-1]
	src := f.src
	nl := bytes.IndexByte(src[n.StartByte():], '\n')
	if nl < 0 {
		return false
	}
	start := int(n.StartByte()) + nl + 1
	end := int(endNode.StartByte())
	for end > start && src[end-1] != '\n' {
		end--
	}
	if end < start {
		return false
	}
	squiggly, raw, ok := heredocOpening(src, int(n.StartByte()), bytes.TrimSpace(f.text(endNode)))
	if !ok {
		return false
	}
	st := &textState{esc: rubyEscape, tabWidth: 8, lineStart: true}
	if raw {
		st.esc = nil
	}
	if squiggly {
		st.indent = minIndent(src, start, end, 8, false)
	}
	decodeParts(f, b, kids, start, end, rubyHoles, st)
	return true
}

// heredocOpening finds the opening <<~ID, <<-ID or <<ID (ID optionally
// quoted) of the heredoc whose body starts at at: the nearest one before
// it (with two heredocs opened on one line, the second body starts after
// the first). It reports whether the heredoc dedents and whether it is
// single-quoted (no escapes, no interpolation).
func heredocOpening(src []byte, at int, id []byte) (squiggly, raw, ok bool) {
	if len(id) == 0 {
		return false, false, false
	}
	lo := max(0, at-64<<10)
	for hi := at; hi > lo; {
		k := bytes.LastIndex(src[lo:hi], id)
		if k < 0 {
			break
		}
		k += lo
		hi = k
		after := k + len(id)
		q := byte(0)
		i := k - 1
		if i >= 0 && (src[i] == '\'' || src[i] == '"' || src[i] == '`') {
			q = src[i]
			i--
			if after >= len(src) || src[after] != q {
				continue
			}
		} else if after < len(src) && isWordByte(src[after]) {
			continue
		}
		sq := false
		if i >= 0 && (src[i] == '~' || src[i] == '-') {
			sq = src[i] == '~'
			i--
		}
		if i < 1 || src[i] != '<' || src[i-1] != '<' {
			continue
		}
		return sq, q == '\'', q != '`'
	}
	return false, false, false
}
