package rails

import (
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// mtext is the text of a Ruby string with, for every byte, the offset in
// the host file it came from, so SQL positions inside a heredoc or an
// escaped string map back to the Ruby source.
type mtext struct {
	text []byte
	offs []int
	// lit marks bytes written literally (not produced by an escape or
	// an interpolation); only those count as heredoc indentation.
	lit []bool
}

func (m *mtext) add(b []byte, off int, exact bool) {
	m.text = append(m.text, b...)
	for i := range b {
		if exact {
			m.offs = append(m.offs, off+i)
		} else {
			m.offs = append(m.offs, off)
		}
		m.lit = append(m.lit, exact)
	}
}

// span maps [s, e) of the text to file offsets.
func (m *mtext) span(s, e int) (int, int) {
	if len(m.offs) == 0 {
		return 0, 0
	}
	fs := func(i int) int {
		if i >= len(m.offs) {
			return m.offs[len(m.offs)-1] + 1
		}
		return m.offs[i]
	}
	start := fs(s)
	end := start
	if e > s {
		end = m.offs[min(e, len(m.offs))-1] + 1
	}
	if end < start {
		end = start
	}
	return start, end
}

// stringNode reads a string literal (or heredoc, or chained string) with
// its offsets. interp evaluates an interpolation; ok is false when one
// cannot be evaluated.
func (t *tr) stringNode(n *node, e *env) (*mtext, bool) {
	if n.Type() == "heredoc_beginning" {
		return t.heredoc(n, e)
	}
	m := &mtext{}
	if !t.appendString(m, n, e) {
		return nil, false
	}
	return m, true
}

// appendString appends a string literal or chained string to m: the
// parts of a chained string go straight into it (a chain of 100,000 had
// a text of its own for each).
func (t *tr) appendString(m *mtext, n *node, e *env) bool {
	if n.Type() == "chained_string" {
		for _, k := range tsnode.Children(n) {
			if k.Type() == "string" && !t.appendString(m, k, e) {
				return false
			}
		}
		return true
	}
	raw := false
	if n.ChildCount() > 0 {
		open := t.text(n.Child(0))
		raw = strings.HasPrefix(open, "'") || strings.HasPrefix(open, "%q") || strings.HasPrefix(open, "%w") || strings.HasPrefix(open, "%i")
	}
	for _, k := range tsnode.Children(n) {
		if !t.stringPiece(m, k, e, raw) {
			return false
		}
	}
	return true
}

func (t *tr) stringPiece(m *mtext, k *node, e *env, raw bool) bool {
	switch k.Type() {
	case "string_content", "heredoc_content":
		if raw {
			unescapeSingle(m, t.src[k.StartByte():k.EndByte()], int(k.StartByte()))
		} else {
			m.add(t.src[k.StartByte():k.EndByte()], int(k.StartByte()), true)
		}
	case "escape_sequence":
		m.add([]byte(lang.RubyEscape(t.text(k))), int(k.StartByte()), false)
	case "interpolation":
		inner := k.NamedChild(0)
		if inner == nil {
			return true
		}
		v := t.eval(inner, e)
		s, ok := v.str()
		if !ok && v.k != kNil {
			return false
		}
		m.add([]byte(s), int(k.StartByte()), false)
	}
	return true
}

// unescapeSingle handles \\ and \' in single-quoted strings.
func unescapeSingle(m *mtext, b []byte, off int) {
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) && (b[i+1] == '\\' || b[i+1] == '\'') {
			m.add(b[i+1:i+2], off+i, false)
			i++
			continue
		}
		m.add(b[i:i+1], off+i, true)
	}
}

// heredoc reads the body of a heredoc whose opening is n: a squiggly
// heredoc (<<~) loses its common indentation, as Ruby does.
func (t *tr) heredoc(n *node, e *env) (*mtext, bool) {
	body := t.heredocs[n]
	if body == nil {
		return nil, false
	}
	open := t.text(n)
	squiggly := strings.HasPrefix(open, "<<~")
	raw := strings.Contains(open, "'")
	m := &mtext{}
	for _, k := range tsnode.Children(body) {
		if k.Type() == "heredoc_end" {
			continue
		}
		if k.Type() == "heredoc_content" && raw {
			m.add(t.src[k.StartByte():k.EndByte()], int(k.StartByte()), true)
			continue
		}
		if !t.stringPiece(m, k, e, false) {
			return nil, false
		}
	}
	// The body starts with the newline ending the opening line and ends
	// with the indentation of the terminator line.
	if len(m.text) > 0 && m.text[0] == '\r' {
		m.cut(0, 1)
	}
	if len(m.text) > 0 && m.text[0] == '\n' {
		m.cut(0, 1)
	}
	if i := lastNewline(m.text); i >= 0 && strings.TrimSpace(string(m.text[i+1:])) == "" {
		m.cut(i+1, len(m.text))
	}
	if squiggly {
		m.dedent()
	}
	return m, true
}

func lastNewline(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			return i
		}
	}
	return -1
}

func (m *mtext) cut(s, e int) {
	m.text = append(m.text[:s], m.text[e:]...)
	m.offs = append(m.offs[:s], m.offs[e:]...)
	m.lit = append(m.lit[:s], m.lit[e:]...)
}

// dedent removes the smallest indentation of the non-blank lines from
// every line (Ruby's <<~, tabs to the next multiple of 8).
func (m *mtext) dedent() {
	type line struct{ s, e int }
	var lines []line
	start := 0
	for i, c := range m.text {
		if c == '\n' {
			lines = append(lines, line{start, i})
			start = i + 1
		}
	}
	if start < len(m.text) {
		lines = append(lines, line{start, len(m.text)})
	}
	width := func(l line) (int, bool) {
		w := 0
		for i := l.s; i < l.e; i++ {
			switch {
			case m.text[i] == ' ' && m.lit[i]:
				w++
			case m.text[i] == '\t' && m.lit[i]:
				w = (w/8 + 1) * 8
			default:
				return w, true
			}
		}
		return w, false // blank line
	}
	least := -1
	for _, l := range lines {
		if w, ok := width(l); ok && (least < 0 || w < least) {
			least = w
		}
	}
	if least <= 0 {
		return
	}
	out := &mtext{}
	for li, l := range lines {
		w, i := 0, l.s
		for i < l.e && w < least && m.lit[i] && (m.text[i] == ' ' || m.text[i] == '\t') {
			if m.text[i] == '\t' {
				nw := (w/8 + 1) * 8
				if nw > least {
					break
				}
				w = nw
			} else {
				w++
			}
			i++
		}
		out.text = append(out.text, m.text[i:l.e]...)
		out.offs = append(out.offs, m.offs[i:l.e]...)
		out.lit = append(out.lit, m.lit[i:l.e]...)
		if l.e < len(m.text) || li < len(lines)-1 {
			if l.e < len(m.text) {
				out.text = append(out.text, '\n')
				out.offs = append(out.offs, m.offs[l.e])
				out.lit = append(out.lit, true)
			}
		}
	}
	*m = *out
}

// validUTF8 guards text handed to the SQL parser.
func validUTF8(b []byte) bool { return utf8.Valid(b) }
