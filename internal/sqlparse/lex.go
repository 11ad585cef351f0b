package sqlparse

import (
	"strings"
	"unicode/utf8"
)

// TokenKind classifies a token of SQL text as PostgreSQL's scanner
// (src/backend/parser/scan.l) does, at the granularity schemagate needs:
// where comments, literals and statement terminators are.
type TokenKind uint8

// The token kinds.
const (
	TokIdent        TokenKind = iota + 1 // a bare word: identifier or keyword
	TokQuotedIdent                       // "x", U&"x"
	TokString                            // 'x', E'x', N'x', U&'x', B'x', X'x' (with continuations)
	TokDollarString                      // $tag$...$tag$
	TokNumber                            // 1, 1.5, 1e5, 0x1f
	TokParam                             // $1
	TokOperator                          // + - * ... and multi-character operators, ::, :=, =>
	TokPunct                             // ( ) [ ] , ; : . and any other single byte
	TokLineComment                       // -- to the end of the line (not the newline)
	TokBlockComment                      // /* ... */, nested
)

// Token is one token of SQL text: its kind and byte range [Start, End).
type Token struct {
	Kind       TokenKind
	Start, End int
}

// IsComment reports whether the token is a comment.
func (t Token) IsComment() bool { return t.Kind == TokLineComment || t.Kind == TokBlockComment }

// LexError is where PostgreSQL's scanner would reject the text.
type LexError struct {
	Offset  int // where the offending token starts
	Message string
}

func (e *LexError) Error() string { return e.Message }

// lexer walks SQL text token by token without allocating. It accepts
// what PostgreSQL 16's scanner accepts (standard_conforming_strings on,
// UTF-8) and stops with the scanner's message where it would fail.
type lexer struct {
	text  string
	pos   int
	err   *LexError // the first error
	fatal bool      // the text ends inside a literal or comment
}

func newLexer(text string) *lexer { return &lexer{text: text} }

// next returns the next token, skipping white space. ok is false at the
// end of the text or at an error (then l.err is set).
func (l *lexer) next() (tok Token, ok bool) {
	s := l.text
	i := l.pos
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i >= len(s) {
		l.pos = i
		return Token{}, false
	}
	start := i
	c := s[i]
	kind := TokPunct
	switch {
	case c == '-' && i+1 < len(s) && s[i+1] == '-':
		kind, i = TokLineComment, lineCommentEnd(s, i)
	case c == '/' && i+1 < len(s) && s[i+1] == '*':
		end, closed := blockCommentEnd(s, i)
		if !closed {
			return l.fail(start, "unterminated /* comment")
		}
		kind, i = TokBlockComment, end
	case c == '\'':
		return l.str(start, i, strStandard)
	case (c == 'e' || c == 'E') && i+1 < len(s) && s[i+1] == '\'':
		return l.str(start, i+1, strEscape)
	case (c == 'b' || c == 'B') && i+1 < len(s) && s[i+1] == '\'':
		return l.str(start, i+1, strBit)
	case (c == 'x' || c == 'X') && i+1 < len(s) && s[i+1] == '\'':
		return l.str(start, i+1, strHex)
	case (c == 'n' || c == 'N') && i+1 < len(s) && s[i+1] == '\'':
		// N'x' is the keyword NCHAR, then the string.
		kind, i = TokIdent, i+1
	case (c == 'u' || c == 'U') && i+2 < len(s) && s[i+1] == '&' && s[i+2] == '\'':
		return l.str(start, i+2, strStandard)
	case (c == 'u' || c == 'U') && i+2 < len(s) && s[i+1] == '&' && s[i+2] == '"':
		return l.quotedIdent(start, i+2)
	case c == '"':
		return l.quotedIdent(start, i)
	case c == '$':
		return l.dollar(start)
	case isIdentStart(c):
		for i < len(s) && isIdentCont(s[i]) {
			i++
		}
		kind = TokIdent
	case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
		return l.number(start)
	case c == ':' && i+1 < len(s) && (s[i+1] == ':' || s[i+1] == '='):
		kind, i = TokOperator, i+2
	case c == '.' && i+1 < len(s) && s[i+1] == '.':
		kind, i = TokOperator, i+2
	case isOpChar(c):
		j := i
		for j < len(s) && isOpChar(s[j]) {
			// An operator never swallows the start of a comment.
			if j > i && j+1 < len(s) && (s[j] == '-' && s[j+1] == '-' || s[j] == '/' && s[j+1] == '*') {
				break
			}
			j++
		}
		j = start + operatorLen(s[start:j])
		if j-start >= 64 {
			l.soft(start, "operator too long") // NAMEDATALEN
		}
		kind, i = TokOperator, j
	default:
		i++
	}
	return l.token(kind, start, i)
}

// fail stops at an unterminated construct: the rest of the text is
// inside it.
func (l *lexer) fail(at int, msg string) (Token, bool) {
	l.soft(at, msg)
	l.fatal = true
	l.pos = len(l.text)
	return Token{}, false
}

// soft records an error PostgreSQL's scanner stops at but after which
// the token's extent is still clear (psql reads on), and returns it.
func (l *lexer) soft(at int, msg string) {
	if l.err == nil {
		l.err = &LexError{Offset: at, Message: msg}
	}
}

// token ends a token of kind at end.
func (l *lexer) token(kind TokenKind, start, end int) (Token, bool) {
	l.pos = end
	return Token{Kind: kind, Start: start, End: end}, true
}

type strKind uint8

const (
	strStandard strKind = iota // '...', N'...', U&'...': only '' escapes
	strEscape                  // E'...': backslash escapes
	strBit                     // B'...'
	strHex                     // X'...'
)

// str scans a string literal whose opening quote is at q, with its
// continuations: a literal followed by white space holding a newline and
// another quote goes on (SQL's 'foo'\n'bar').
func (l *lexer) str(start, q int, kind strKind) (Token, bool) {
	s := l.text
	i := q + 1
	highBit := false // an escape made a byte that needs UTF-8 checking
	lit := q + 1     // start of the current piece of literal text
	var pieces []string
	for {
		if i >= len(s) {
			return l.fail(start, unterminatedString(kind))
		}
		c := s[i]
		switch {
		case c == '\'':
			if i+1 < len(s) && s[i+1] == '\'' && kind != strBit && kind != strHex {
				i += 2
				continue
			}
			if kind == strEscape {
				pieces = append(pieces, s[lit:i])
			}
			i++
			// Continuation: white space with a newline, then a quote.
			if j, ok := quoteContinue(s, i); ok {
				i = j + 1
				lit = i
				continue
			}
			if highBit && !validLiteral(strings.Join(pieces, "")) {
				l.soft(start, `invalid byte sequence for encoding "UTF8"`)
			}
			return l.token(TokString, start, i)
		case c == '\\' && kind == strEscape:
			n, high, msg := escapeLen(s, i)
			if msg != "" {
				l.soft(i, msg)
				n = 2
			}
			if high {
				highBit = true
			}
			i += n
		default:
			i++
		}
	}
}

// validLiteral reports whether a literal's raw text (escapes still in
// it) is acceptable once decoded: valid UTF-8 without NUL.
func validLiteral(raw string) bool {
	b := decodeEscapes(raw)
	return utf8.Valid(b) && !strings.ContainsRune(string(b), 0)
}

func unterminatedString(kind strKind) string {
	switch kind {
	case strBit:
		return "unterminated bit string literal"
	case strHex:
		return "unterminated hexadecimal string literal"
	}
	return "unterminated quoted string"
}

// quoteContinue reports whether s[i:] is white space holding a newline
// followed by a quote (scan.l's quotecontinue), and where that quote is.
// pg_query's scanner returns comments as tokens, so a comment between the
// two parts ends the literal.
func quoteContinue(s string, i int) (int, bool) {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f') {
		i++
	}
	if i >= len(s) || (s[i] != '\n' && s[i] != '\r') {
		return 0, false
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '\'' {
		return i, true
	}
	return 0, false
}

// escapeLen measures the backslash escape at s[i] in an E” string. high
// is true when it yields a byte or code point outside ASCII (or NUL), so
// that the literal must be checked as UTF-8 as PostgreSQL does.
func escapeLen(s string, i int) (n int, high bool, msg string) {
	if i+1 >= len(s) {
		return 1, false, ""
	}
	c := s[i+1]
	switch {
	case c == 'u' || c == 'U':
		v, n, ok := unicodeEscape(s, i)
		if !ok {
			return 0, false, "invalid Unicode escape"
		}
		if v == 0 || v > 0x10FFFF {
			return 0, false, "invalid Unicode escape value"
		}
		if v >= 0xD800 && v <= 0xDBFF {
			// A first surrogate must be followed by a second one.
			j := i + n
			if j+1 >= len(s) || s[j] != '\\' || (s[j+1] != 'u' && s[j+1] != 'U') {
				return 0, false, "invalid Unicode surrogate pair"
			}
			w, m, ok := unicodeEscape(s, j)
			if !ok || w < 0xDC00 || w > 0xDFFF {
				return 0, false, "invalid Unicode surrogate pair"
			}
			return n + m, false, ""
		}
		if v >= 0xDC00 && v <= 0xDFFF {
			return 0, false, "invalid Unicode surrogate pair"
		}
		// A Unicode escape is converted to UTF-8 and does not make the
		// scanner check the literal.
		return n, false, ""
	case c >= '0' && c <= '7':
		j := i + 2
		v := int(c - '0')
		for j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7' {
			v = v*8 + int(s[j]-'0')
			j++
		}
		v &= 0xFF
		return j - i, v == 0 || v > 0x7F, ""
	case c == 'x' && i+2 < len(s) && isHexDigit(s[i+2]):
		j := i + 3
		if j < len(s) && isHexDigit(s[j]) {
			j++
		}
		v, _ := hexValue(s, i+2, j-i-2)
		return j - i, v == 0 || v > 0x7F, ""
	}
	return 2, c > 0x7F, ""
}

// unicodeEscape reads the \uXXXX or \UXXXXXXXX escape whose backslash is
// at s[i]: its value and length.
func unicodeEscape(s string, i int) (v, n int, ok bool) {
	digits := 4
	if s[i+1] == 'U' {
		digits = 8
	}
	v, ok = hexValue(s, i+2, digits)
	return v, 2 + digits, ok
}

func hexValue(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + int(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			v = v*16 + int(c|0x20-'a') + 10
		default:
			return 0, false
		}
	}
	return v, true
}

// decodeEscapes decodes the backslash escapes of E” literal text (whose
// escapes are known to be well formed).
func decodeEscapes(raw string) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		if c == '\'' && i+1 < len(raw) && raw[i+1] == '\'' {
			out = append(out, '\'')
			i += 2
			continue
		}
		if c != '\\' || i+1 >= len(raw) {
			out = append(out, c)
			i++
			continue
		}
		n, _, msg := escapeLen(raw, i)
		if msg != "" {
			out = append(out, c) // already reported
			i++
			continue
		}
		e := raw[i+1]
		switch {
		case e == 'u' || e == 'U':
			v, d, _ := unicodeEscape(raw, i)
			if v >= 0xD800 && v <= 0xDBFF {
				w, _, _ := unicodeEscape(raw, i+d)
				v = 0x10000 + (v-0xD800)<<10 + (w - 0xDC00)
			}
			out = utf8.AppendRune(out, rune(v))
		case e >= '0' && e <= '7':
			v := 0
			for _, d := range []byte(raw[i+1 : i+n]) {
				v = v*8 + int(d-'0')
			}
			out = append(out, byte(v))
		case e == 'x' && n > 2:
			v, _ := hexValue(raw, i+2, n-2)
			out = append(out, byte(v))
		default:
			out = append(out, unescapeChar(e))
		}
		i += n
	}
	return out
}

func unescapeChar(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	case 'v':
		return '\v'
	}
	return c
}

// quotedIdent scans "..." whose opening quote is at q.
func (l *lexer) quotedIdent(start, q int) (Token, bool) {
	s := l.text
	for i := q + 1; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '"' {
			i++
			continue
		}
		if i == q+1 {
			l.soft(start, "zero-length delimited identifier")
		}
		return l.token(TokQuotedIdent, start, i+1)
	}
	return l.fail(start, "unterminated quoted identifier")
}

// dollar scans what starts with '$': a dollar-quoted string, a parameter,
// or a lone '$'.
func (l *lexer) dollar(start int) (Token, bool) {
	s := l.text
	i := start + 1
	if i < len(s) && isDigit(s[i]) {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return l.token(TokParam, start, i)
	}
	if tag, ok := dollarTag(s, start); ok {
		end := strings.Index(s[start+len(tag):], tag)
		if end < 0 {
			return l.fail(start, "unterminated dollar-quoted string")
		}
		return l.token(TokDollarString, start, start+len(tag)+end+len(tag))
	}
	return l.token(TokPunct, start, start+1)
}

// dollarTag returns the $tag$ opening a dollar-quoted string at i.
func dollarTag(text string, i int) (string, bool) {
	j := i + 1
	for j < len(text) && text[j] != '$' {
		if !isIdentStart(text[j]) && (j == i+1 || !isDigit(text[j])) {
			return "", false
		}
		j++
	}
	if j >= len(text) {
		return "", false
	}
	return text[i : j+1], true
}

// number scans a numeric literal (PostgreSQL 16: underscores between
// digits, 0x/0o/0b prefixes); a letter right after one is an error.
func (l *lexer) number(start int) (Token, bool) {
	s := l.text
	i := start
	if s[i] == '0' && i+1 < len(s) && strings.IndexByte("xXoObB", s[i+1]) >= 0 {
		ok := isHexDigit
		msg := "invalid hexadecimal integer"
		switch s[i+1] | 0x20 {
		case 'o':
			ok, msg = func(c byte) bool { return c >= '0' && c <= '7' }, "invalid octal integer"
		case 'b':
			ok, msg = func(c byte) bool { return c == '0' || c == '1' }, "invalid binary integer"
		}
		j := i + 2
		n := 0
		for j < len(s) {
			if ok(s[j]) {
				j, n = j+1, n+1
				continue
			}
			if s[j] == '_' && j+1 < len(s) && ok(s[j+1]) {
				j++
				continue
			}
			break
		}
		if n == 0 {
			l.soft(start, msg)
		} else if j < len(s) && isIdentStart(s[j]) {
			l.soft(start, "trailing junk after numeric literal")
		}
		return l.token(TokNumber, start, j)
	}
	if isDigit(s[i]) {
		i = digitsEnd(s, i)
	}
	if i < len(s) && s[i] == '.' && !(i+1 < len(s) && s[i+1] == '.') {
		i++
		if i < len(s) && isDigit(s[i]) {
			i = digitsEnd(s, i)
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
			if j >= len(s) || !isDigit(s[j]) {
				l.soft(start, "trailing junk after numeric literal")
				return l.token(TokNumber, start, j)
			}
		}
		if j < len(s) && isDigit(s[j]) {
			i = digitsEnd(s, j)
		}
	}
	if i < len(s) && isIdentStart(s[i]) {
		l.soft(start, "trailing junk after numeric literal")
	}
	return l.token(TokNumber, start, i)
}

// digitsEnd returns the end of the decimal digits (with single
// underscores between them) at s[i].
func digitsEnd(s string, i int) int {
	for i < len(s) {
		if isDigit(s[i]) {
			i++
			continue
		}
		if s[i] == '_' && i+1 < len(s) && isDigit(s[i+1]) {
			i++
			continue
		}
		break
	}
	return i
}

// lineCommentEnd returns the end of the -- comment at i: PostgreSQL ends
// it at a newline or a carriage return.
func lineCommentEnd(s string, i int) int {
	for i < len(s) && s[i] != '\n' && s[i] != '\r' {
		i++
	}
	return i
}

// blockCommentEnd returns the end of the (nested) block comment at i.
func blockCommentEnd(text string, i int) (int, bool) {
	depth := 0
	for i < len(text) {
		switch {
		case text[i] == '/' && i+1 < len(text) && text[i+1] == '*':
			depth++
			i += 2
		case text[i] == '*' && i+1 < len(text) && text[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i, true
			}
		default:
			i++
		}
	}
	return i, false
}

// isSpace is the scanner's white space; a vertical tab is not (it is a
// token of its own to pg_query's scanner, as to PostgreSQL 15's).
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }

func isIdentStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isIdentCont(c byte) bool {
	return isIdentStart(c) || isDigit(c) || c == '$'
}

// operatorLen is how much of a run of operator characters the scanner
// takes as one operator: a trailing + or - is split off (so that 1*-2
// works) unless the run holds a character only user-defined operators use.
func operatorLen(op string) int {
	n := len(op)
	if n > 1 && (op[n-1] == '+' || op[n-1] == '-') && !strings.ContainsAny(op[:n-1], "~!@#^&|`?%") {
		for n > 1 && (op[n-1] == '+' || op[n-1] == '-') {
			n--
		}
	}
	return n
}

func isOpChar(c byte) bool {
	return strings.IndexByte("~!@#^&|`?+-*/%<>=", c) >= 0
}

// Tokens returns the tokens of text, comments included. err is the first
// place PostgreSQL's scanner would reject; tokens go on past errors that
// leave a token's extent clear (trailing junk after a number, a bad
// escape) and stop inside an unterminated literal or comment.
func Tokens(text string) (toks []Token, err *LexError) {
	l := newLexer(text)
	for {
		t, ok := l.next()
		if !ok {
			return toks, l.err
		}
		toks = append(toks, t)
	}
}

// Comments returns the comment tokens of text (up to a scanning error).
func Comments(text string) []Token {
	var out []Token
	l := newLexer(text)
	for {
		t, ok := l.next()
		if !ok {
			return out
		}
		if t.IsComment() {
			out = append(out, t)
		}
	}
}

// LiteralEnd reports whether a comment, a string constant, a quoted
// identifier or a dollar-quoted string starts at text[i], and where
// PostgreSQL's scanner ends it (the end of the text when it is
// unterminated). Scanners of SQL-like text that is not SQL yet (queries
// with driver placeholders) use it to skip what is not code.
func LiteralEnd(text string, i int) (int, bool) {
	if i >= len(text) || isSpace(text[i]) {
		return 0, false
	}
	l := &lexer{text: text, pos: i}
	t, ok := l.next()
	if !ok {
		if l.fatal && l.err.Offset == i {
			return len(text), true
		}
		return 0, false
	}
	switch t.Kind {
	case TokString, TokDollarString, TokQuotedIdent, TokLineComment, TokBlockComment:
		return t.End, true
	}
	return 0, false
}
