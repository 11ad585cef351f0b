package sqlparse

// Piece is the byte range [Start, End) of one statement's text, without
// its terminating semicolon. Semi is the offset of that semicolon, or -1
// for a last statement without one.
type Piece struct {
	Start, End, Semi int
}

// Split cuts SQL text into statements at top-level semicolons, in pure Go
// and without parsing, with the tokens of PostgreSQL's own scanner (see
// Tokens): semicolons inside quoted strings, quoted identifiers, dollar
// quotes, comments and BEGIN ATOMIC ... END bodies do not count. Pieces
// that hold only space and comments are left out. ok is false when the
// text ends inside a quote or comment; the pieces up to there are
// returned, the unterminated one last.
//
// It answers structural questions (how many statements, where a
// statement ends) cheaply; statements themselves are parsed by pg_query.
func Split(text string) (pieces []Piece, ok bool) {
	start := 0
	semis, ok := Semicolons(text)
	for _, semi := range semis {
		if hasContent(text[start:semi]) {
			pieces = append(pieces, Piece{Start: start, End: semi, Semi: semi})
		}
		start = semi + 1
	}
	if hasContent(text[start:]) {
		pieces = append(pieces, Piece{Start: start, End: len(text), Semi: -1})
	}
	return pieces, ok
}

// Semicolons returns the offsets of the top-level semicolons of text (see
// Split); ok is false when the text ends inside a quote or comment.
func Semicolons(text string) (semis []int, ok bool) {
	l := newLexer(text)
	var atomic atomicTracker
	for {
		t, more := l.next()
		if !more {
			return semis, !l.fatal
		}
		if atomic.step(text, t) && t.Kind == TokPunct && text[t.Start] == ';' {
			semis = append(semis, t.Start)
		}
	}
}

// atomicTracker follows BEGIN ATOMIC ... END bodies (SQL-standard function
// bodies), whose semicolons do not end the statement, as psql does: a
// CASE inside such a body also ends with END.
type atomicTracker struct {
	depth     int
	prevBegin bool
}

// step takes the next token and reports whether it is at the top level.
func (a *atomicTracker) step(text string, t Token) bool {
	if t.IsComment() {
		return a.depth == 0
	}
	wasBegin := a.prevBegin
	a.prevBegin = false
	if t.Kind != TokIdent {
		if t.Kind == TokPunct && text[t.Start] == ';' && a.depth == 0 {
			return true
		}
		return a.depth == 0
	}
	word := text[t.Start:t.End]
	switch {
	case equalFold(word, "begin"):
		a.prevBegin = true
	case equalFold(word, "atomic") && wasBegin:
		a.depth++
	case equalFold(word, "case") && a.depth > 0:
		a.depth++
	case equalFold(word, "end") && a.depth > 0:
		a.depth--
	}
	return a.depth == 0
}

// equalFold compares an ASCII keyword case-insensitively.
func equalFold(s, kw string) bool {
	if len(s) != len(kw) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 != kw[i] {
			return false
		}
	}
	return true
}

func hasContent(s string) bool {
	return SkipSpaceAndComments(s, 0) < len(s)
}

// SkipSpaceAndComments returns the offset of the first byte at or after
// i that is neither white space nor inside a SQL comment.
func SkipSpaceAndComments(s string, i int) int {
	for i < len(s) {
		switch {
		case isSpace(s[i]):
			i++
		case s[i] == '-' && i+1 < len(s) && s[i+1] == '-':
			i = lineCommentEnd(s, i)
		case s[i] == '/' && i+1 < len(s) && s[i+1] == '*':
			i, _ = blockCommentEnd(s, i)
		default:
			return i
		}
	}
	return i
}
