package lang

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// escaper decodes the escape starting with the backslash at src[i]
// (i < end) and returns its value and the number of source bytes it
// spans.
type escaper func(src []byte, i, end int) (val string, n int)

// textState carries what decoding a string's raw stretches needs across
// the interpolations that split them.
type textState struct {
	esc escaper
	// indent is the width of leading whitespace removed from every source
	// line (Ruby <<~ heredocs, Java text blocks); tabWidth is how wide a
	// tab counts (Ruby rounds up to the next multiple of 8, Java counts 1).
	indent, tabWidth int
	lineStart        bool
	// stripTrailing drops whitespace at the end of every source line
	// (Java text blocks).
	stripTrailing bool
	// braces turns "{{" and "}}" into single braces (f-strings).
	braces bool
	// dropCR drops carriage returns (Go raw strings).
	dropCR bool
}

// decodeRange appends src[start:end], a stretch of string content
// without interpolations, decoding escapes and applying st.
func decodeRange(b *builder, src []byte, start, end int, st *textState) {
	if start >= end {
		return
	}
	run := start
	i := start
	for i < end {
		if st.lineStart {
			st.lineStart = false
			if st.indent > 0 {
				b.raw(run, src[run:i])
				w := 0
				for i < end && w < st.indent && (src[i] == ' ' || src[i] == '\t') {
					if src[i] == '\t' && st.tabWidth > 1 {
						w += st.tabWidth - w%st.tabWidth
					} else {
						w++
					}
					i++
				}
				run = i
				continue
			}
		}
		c := src[i]
		switch {
		case c == '\n':
			i++
			st.lineStart = true
		case c == '\\' && st.esc != nil:
			b.raw(run, src[run:i])
			val, n := st.esc(src, i, end)
			b.esc(i, val)
			i += max(n, 1)
			run = i
			// A line continuation: the next source line is still a line
			// whose indentation goes.
			st.lineStart = src[i-1] == '\n'

		case c == '\r' && st.dropCR:
			b.raw(run, src[run:i])
			i++
			run = i
		case st.stripTrailing && (c == ' ' || c == '\t'):
			j := i
			for j < end && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			if j == end || src[j] == '\n' || src[j] == '\r' {
				b.raw(run, src[run:i])
				run = j
			}
			i = j
		case st.braces && (c == '{' || c == '}') && i+1 < end && src[i+1] == c:
			b.raw(run, src[run:i+1])
			i += 2
			run = i
		default:
			i++
		}
	}
	b.raw(run, src[run:end])
}

// minIndent is the smallest leading-whitespace width over the lines of
// src[start:end] that hold more than whitespace; lastLine also counts
// the final line even if it is blank (a Java text block's closing
// delimiter line). Interpolations count as text.
func minIndent(src []byte, start, end, tabWidth int, lastLine bool) int {
	best := -1
	i := start
	for i <= end {
		w := 0
		j := i
		for j < end && (src[j] == ' ' || src[j] == '\t') {
			if src[j] == '\t' && tabWidth > 1 {
				w += tabWidth - w%tabWidth
			} else {
				w++
			}
			j++
		}
		blank := j >= end || src[j] == '\n' || src[j] == '\r'
		last := j >= end
		if (!blank || (last && lastLine)) && (best < 0 || w < best) {
			best = w
		}
		for j < end && src[j] != '\n' {
			j++
		}
		if j >= end {
			break
		}
		i = j + 1
	}
	return max(best, 0)
}

// hexVal decodes up to max hex digits at src[i:end].
func hexVal(src []byte, i, end, maxDigits int) (v rune, n int) {
	for n < maxDigits && i+n < end {
		c := src[i+n]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return v, n
		}
		v = v*16 + rune(d)
		n++
	}
	return v, n
}

func octVal(src []byte, i, end, maxDigits int) (v rune, n int) {
	for n < maxDigits && i+n < end && src[i+n] >= '0' && src[i+n] <= '7' {
		v = v*8 + rune(src[i+n]-'0')
		n++
	}
	return v, n
}

func runeString(r rune) string {
	if r < 0 || r > utf8.MaxRune {
		r = utf8.RuneError
	}
	return string(r)
}

// newlineLen is the length of the line break at src[i] (\n or \r\n), or 0.
func newlineLen(src []byte, i, end int) int {
	switch {
	case i < end && src[i] == '\n':
		return 1
	case i+1 < end && src[i] == '\r' && src[i+1] == '\n':
		return 2
	}
	return 0
}

// SimpleEscape is the value of the one-letter escapes most languages
// share (\n \t \r \b \f \v \a \\ \' \"), by the letter after the backslash.
func SimpleEscape(c byte) (string, bool) {
	switch c {
	case 'n':
		return "\n", true
	case 't':
		return "\t", true
	case 'r':
		return "\r", true
	case 'b':
		return "\b", true
	case 'f':
		return "\f", true
	case 'v':
		return "\v", true
	case 'a':
		return "\a", true
	case '\\', '\'', '"':
		return string(c), true
	}
	return "", false
}

// commonEscape decodes what the escapes of Ruby, Python, JavaScript and
// Java (text blocks' line continuation included) share: a backslash at
// the end, a backslash-newline (nothing), and the one-letter escapes of
// SimpleEscape but those in lacks. n is 0 when the escape is none of
// these; c is then the byte after the backslash.
func commonEscape(src []byte, i, end int, lacks string) (c byte, v string, n int) {
	if i+1 >= end {
		return 0, "\\", 1
	}
	c = src[i+1]
	if n := newlineLen(src, i+1, end); n > 0 {
		return c, "", 1 + n
	}
	if strings.IndexByte(lacks, c) < 0 {
		if v, ok := SimpleEscape(c); ok {
			return c, v, 2
		}
	}
	return c, "", 0
}

// withCommon makes the escaper of a language: commonEscape (less the
// one-letter escapes in lacks), then own, which decodes the rest given c,
// the byte after the backslash.
func withCommon(lacks string, own func(src []byte, i, end int, c byte) (string, int)) escaper {
	return func(src []byte, i, end int) (string, int) {
		c, v, n := commonEscape(src, i, end, lacks)
		if n > 0 {
			return v, n
		}
		return own(src, i, end, c)
	}
}

// rubyEscape decodes an escape of a double-quoted Ruby string or heredoc.
var rubyEscape = withCommon("", func(src []byte, i, end int, c byte) (string, int) {
	switch c {
	case 's':
		return " ", 2
	case 'e':
		return "\x1b", 2
	case 'x':
		if v, n := hexVal(src, i+2, end, 2); n > 0 {
			return string([]byte{byte(v)}), 2 + n
		}
	case 'u':
		if i+2 < end && src[i+2] == '{' {
			// \u{H+ H+ ...}
			j := i + 3
			var out []byte
			for j < end && src[j] != '}' {
				if src[j] == ' ' {
					j++
					continue
				}
				v, n := hexVal(src, j, end, 6)
				if n == 0 {
					break
				}
				out = utf8.AppendRune(out, v)
				j += n
			}
			if j < end && src[j] == '}' {
				return string(out), j + 1 - i
			}
		} else if v, n := hexVal(src, i+2, end, 4); n == 4 {
			return runeString(v), 6
		}
	}
	if c >= '0' && c <= '7' {
		v, n := octVal(src, i+1, end, 3)
		return string([]byte{byte(v)}), 1 + n
	}
	// Any other escaped character stands for itself (\#, \{ ...).
	_, size := utf8.DecodeRune(src[i+1 : end])
	return string(src[i+1 : i+1+size]), 1 + size
})

// RubyEscape decodes one escape sequence of a double-quoted Ruby string
// (the text of tree-sitter's escape_sequence node), as Ruby does.
func RubyEscape(seq string) string {
	if len(seq) < 2 || seq[0] != '\\' {
		return seq
	}
	v, n := rubyEscape([]byte(seq), 0, len(seq))
	return v + seq[n:]
}

// rubyQuoteEscape decodes the only escapes of '...' and %q(...): a
// backslash before a backslash or a delimiter; others stay as written.
func rubyQuoteEscape(open, close byte) escaper {
	return func(src []byte, i, end int) (string, int) {
		if i+1 < end {
			if c := src[i+1]; c == '\\' || c == open || c == close {
				return string(c), 2
			}
		}
		return "\\", 1
	}
}

// pythonEscape decodes an escape of a non-raw Python str literal.
var pythonEscape = withCommon("", func(src []byte, i, end int, c byte) (string, int) {
	switch c {
	case 'x':
		if v, n := hexVal(src, i+2, end, 2); n == 2 {
			return runeString(v), 4
		}
	case 'u':
		if v, n := hexVal(src, i+2, end, 4); n == 4 {
			return runeString(v), 6
		}
	case 'U':
		if v, n := hexVal(src, i+2, end, 8); n == 8 {
			return runeString(v), 10
		}
	}
	if c >= '0' && c <= '7' {
		v, n := octVal(src, i+1, end, 3)
		return runeString(v), 1 + n
	}
	// Unknown escapes (and \N{...}) keep the backslash, as Python does.
	return "\\", 1
})

// jsEscape decodes an escape of a JavaScript string or template literal.
var jsEscape = withCommon("a", func(src []byte, i, end int, c byte) (string, int) {
	switch c {
	case '0':
		if i+2 >= end || src[i+2] < '0' || src[i+2] > '9' {
			return "\x00", 2
		}
	case 'x':
		if v, n := hexVal(src, i+2, end, 2); n == 2 {
			return runeString(v), 4
		}
	case 'u':
		if i+2 < end && src[i+2] == '{' {
			v, n := hexVal(src, i+3, end, 6)
			if n > 0 && i+3+n < end && src[i+3+n] == '}' {
				return runeString(v), 4 + n
			}
		} else if v, n := hexVal(src, i+2, end, 4); n == 4 {
			return runeString(v), 6
		}
	}
	_, size := utf8.DecodeRune(src[i+1 : end])
	return string(src[i+1 : i+1+size]), 1 + size
})

// javaEscape decodes an escape of a Java string literal or text block.
var javaEscape = withCommon("av", func(src []byte, i, end int, c byte) (string, int) {
	switch c {
	case 's':
		return " ", 2
	case 'u':
		j := i + 1
		for j < end && src[j] == 'u' {
			j++
		}
		if v, n := hexVal(src, j, end, 4); n == 4 {
			return runeString(v), j + 4 - i
		}
	}
	if c >= '0' && c <= '7' {
		maxDigits := 2
		if c <= '3' {
			maxDigits = 3
		}
		v, n := octVal(src, i+1, end, maxDigits)
		return runeString(v), 1 + n
	}
	return "\\", 1
})

// goEscape decodes an escape of a Go interpreted string literal.
func goEscape(src []byte, i, end int) (string, int) {
	s := string(src[i:min(end, i+10)]) // the longest escape is \U0010FFFF
	v, multibyte, tail, err := strconv.UnquoteChar(s, '"')
	if err != nil {
		return "\\", 1
	}
	n := len(s) - len(tail)
	if v < utf8.RuneSelf || multibyte {
		return runeString(v), n
	}
	// \xHH and octal escapes are single bytes.
	return string([]byte{byte(v)}), n
}
