// Package nesting finds brackets nested past a bound in Python and Ruby
// source, before tree-sitter parses it. tree-sitter's parse of deeply
// nested brackets costs seconds per megabyte (its stack of subtrees grows
// with the depth), while no real migration nests more than a few dozen
// levels: CPython itself refuses more than 200, so a file past the bound
// is refused whole, with the position of the bracket that crossed it.
//
// The scan is one linear pass over the bytes. It knows comments and
// string literals, so that brackets inside them do not count; where it
// cannot tell a literal from an operator (a Ruby regular expression, a
// %-literal without its letter after an operand) it reads code, and the
// bounds are far enough above real code for that to never matter.
package nesting

// MaxPython is CPython's own limit (MAXLEVEL in its tokenizer): the 201st
// open bracket is "SyntaxError: too many nested parentheses".
const MaxPython = 200

// MaxRuby is schemagate's bound for Ruby, which has no documented limit:
// Ruby 3.1's parser stops near 10,000 levels ("nesting too deep"), and
// real migrations nest a few dozen.
const MaxRuby = 1000

// Python returns the byte offset of the first open bracket ((, [ or {)
// nested deeper than MaxPython in Python source, or -1.
func Python(src []byte) int {
	depth := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '#':
			i = lineEnd(src, i) - 1
		case '\'', '"':
			i = pyString(src, i) - 1
		default:
			if bracket(&depth, c, MaxPython) {
				return i
			}
		}
	}
	return -1
}

// bracket moves depth past c when it is a bracket, and reports an
// opening one past limit. A stray closing bracket never goes below 0.
func bracket(depth *int, c byte, limit int) bool {
	switch c {
	case '(', '[', '{':
		*depth++
		return *depth > limit
	case ')', ']', '}':
		*depth = max(*depth-1, 0)
	}
	return false
}

// lineEnd is the offset of the line break at or after i, or len(src).
func lineEnd(src []byte, i int) int {
	for ; i < len(src); i++ {
		if src[i] == '\n' || src[i] == '\r' {
			return i
		}
	}
	return i
}

// pyString returns the offset just past the string literal whose opening
// quote is at i. Any prefix (r, b, f, u) was read as an identifier, which
// is harmless: a backslash escapes the next character even in a raw
// string, as far as finding the end goes. An unterminated one-line
// string ends at the line break, as tokenize sees it.
func pyString(src []byte, i int) int {
	q := src[i]
	triple := i+2 < len(src) && src[i+1] == q && src[i+2] == q
	if triple {
		for j := i + 3; j < len(src); j++ {
			switch src[j] {
			case '\\':
				j++
			case q:
				if j+2 < len(src) && src[j+1] == q && src[j+2] == q {
					return j + 3
				}
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case q:
			return j + 1
		case '\n', '\r':
			return j
		}
	}
	return len(src)
}

// Ruby returns the byte offset of the first open bracket ((, [ or {)
// nested deeper than MaxRuby in Ruby source, or -1. Comments, =begin
// blocks, quoted strings and symbols, %-literals with a letter (%w, %q,
// %i, ...) and heredoc bodies are skipped.
func Ruby(src []byte) int {
	depth := 0
	var heredocs []heredoc // opened on the current line
	atLineStart := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		if atLineStart && c == '=' && hasPrefixAt(src, i, "=begin") {
			i = rubyBlockComment(src, i) - 1
			continue
		}
		atLineStart = false
		switch c {
		case '\n':
			atLineStart = true
			pos := i + 1
			for _, h := range heredocs {
				pos = min(h.skipBody(src, pos)+1, len(src))
			}
			heredocs = heredocs[:0]
			i = pos - 1
		case '#':
			i = lineEnd(src, i) - 1
		case '\'', '"', '`':
			i = rubyQuoted(src, i+1, c, 0) - 1
		case '$', '?':
			// $' and $" are globals, ?' and ?( character literals (a ?
			// after a name ends the name: nil?).
			if i+1 < len(src) && isDelim(src[i+1]) && (c == '$' || i == 0 || !isIdent(src[i-1]) && src[i-1] != ')' && src[i-1] != ']') {
				i++
			}
		case '%':
			if end := rubyPercent(src, i); end > 0 {
				i = end - 1
			}
		case '<':
			if h, end, ok := readHeredoc(src, i); ok {
				heredocs = append(heredocs, h)
				i = end - 1
			}
		default:
			if bracket(&depth, c, MaxRuby) {
				return i
			}
		}
	}
	return -1
}

func hasPrefixAt(src []byte, i int, s string) bool {
	return len(src)-i >= len(s) && string(src[i:i+len(s)]) == s
}

// rubyBlockComment returns the offset past the =end line of the =begin
// at i (or len(src)).
func rubyBlockComment(src []byte, i int) int {
	for i < len(src) {
		end := lineEnd(src, i)
		if end < len(src) {
			end++
		}
		if hasPrefixAt(src, end, "=end") {
			return lineEnd(src, end)
		}
		i = end
		if i == len(src) {
			break
		}
	}
	return len(src)
}

// rubyQuoted returns the offset past the closing delimiter of a literal
// whose body starts at i. open is the opening bracket for delimiters
// that nest (%w(a (b) c)), or 0.
func rubyQuoted(src []byte, i int, close, open byte) int {
	level := 0
	for ; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\\':
			i++
		case open != 0 && c == open:
			level++
		case c == close:
			if level == 0 {
				return i + 1
			}
			level--
		}
	}
	return len(src)
}

// rubyPercent returns the offset past a %-literal with a type letter
// (%w(...), %q{...}, %i[...], %r!...!) at i, or 0 when there is none:
// a bare %( is a literal or the modulo operator depending on what comes
// before, and is read as code.
func rubyPercent(src []byte, i int) int {
	if i+2 >= len(src) {
		return 0
	}
	switch src[i+1] {
	case 'q', 'Q', 'w', 'W', 'i', 'I', 'r', 's', 'x':
	default:
		return 0
	}
	d := src[i+2]
	if isIdent(d) || d == ' ' || d == '\n' || d == '\r' || d == '\t' || d == '=' {
		return 0
	}
	var open byte
	switch d {
	case '(':
		open, d = '(', ')'
	case '[':
		open, d = '[', ']'
	case '{':
		open, d = '{', '}'
	case '<':
		open, d = '<', '>'
	}
	return rubyQuoted(src, i+3, d, open)
}

func isDelim(c byte) bool {
	switch c {
	case '\'', '"', '`', '(', ')', '[', ']', '{', '}':
		return true
	}
	return false
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// heredoc is a <<ID, <<-ID or <<~ID opened on the current line; its body
// starts on the next line.
type heredoc struct {
	id       []byte
	indented bool // <<- or <<~: the terminator may be indented
}

// readHeredoc reads a heredoc opener at i (the first '<').
func readHeredoc(src []byte, i int) (heredoc, int, bool) {
	j := i + 2
	if j >= len(src) || src[i+1] != '<' {
		return heredoc{}, 0, false
	}
	var h heredoc
	if src[j] == '~' || src[j] == '-' {
		h.indented = true
		j++
	}
	if j < len(src) && (src[j] == '\'' || src[j] == '"' || src[j] == '`') {
		q := src[j]
		k := j + 1
		for k < len(src) && src[k] != q && src[k] != '\n' {
			k++
		}
		if k >= len(src) || src[k] != q || k == j+1 {
			return heredoc{}, 0, false
		}
		h.id = src[j+1 : k]
		return h, k + 1, true
	}
	k := j
	for k < len(src) && isIdent(src[k]) {
		k++
	}
	// An identifier starting with a capital or underscore: a <<name is
	// more often an append (list <<item) than a heredoc.
	if k == j || !(src[j] == '_' || src[j] >= 'A' && src[j] <= 'Z') {
		return heredoc{}, 0, false
	}
	h.id = src[j:k]
	return h, k, true
}

// skipBody returns the offset of the line break that ends the heredoc's
// terminator line, the body starting at i.
func (h heredoc) skipBody(src []byte, i int) int {
	for i < len(src) {
		end := lineEnd(src, i)
		line := src[i:end]
		if h.indented {
			for len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				line = line[1:]
			}
		}
		if string(line) == string(h.id) {
			return end
		}
		if end == len(src) {
			return end
		}
		i = end + 1
		if src[end] == '\r' && i < len(src) && src[i] == '\n' {
			i++
		}
	}
	return len(src)
}
