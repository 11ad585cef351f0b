package sqlparse

// Piece is the byte range [Start, End) of one statement's text, without
// its terminating semicolon. Semi is the offset of that semicolon, or -1
// for a last statement without one.
type Piece struct {
	Start, End, Semi int
}

// Split cuts SQL text into statements at top-level semicolons, in pure Go
// and without parsing: semicolons inside quoted strings (standard and
// E” escapes), quoted identifiers, dollar quotes, comments (nested block
// comments too) and BEGIN ATOMIC ... END bodies do not count. Pieces that
// hold only space and comments are left out. ok is false when the text
// ends inside a quote or comment; the pieces up to there are returned.
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
	atomicDepth := 0
	var prevWord string
	i := 0
	for i < len(text) {
		c := text[i]
		switch {
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			j, closed := skipBlockComment(text, i)
			if !closed {
				return semis, false
			}
			i = j
		case c == '\'':
			escapes := i > 0 && (text[i-1] == 'e' || text[i-1] == 'E') && (i < 2 || !isIdentChar(text[i-2]))
			j, closed := skipQuoted(text, i, '\'', escapes)
			if !closed {
				return semis, false
			}
			i = j
		case c == '"':
			j, closed := skipQuoted(text, i, '"', false)
			if !closed {
				return semis, false
			}
			i = j
		case c == '$' && (i == 0 || !isIdentChar(text[i-1])):
			if tag, ok := dollarTag(text, i); ok {
				end := indexFrom(text, tag, i+len(tag))
				if end < 0 {
					return semis, false
				}
				i = end + len(tag)
			} else {
				i++
			}
		case isIdentStart(c):
			j := i
			for j < len(text) && isIdentChar(text[j]) {
				j++
			}
			word := upper(text[i:j])
			switch {
			case word == "ATOMIC" && prevWord == "BEGIN":
				atomicDepth++
			case word == "END" && atomicDepth > 0:
				atomicDepth--
			}
			prevWord = word
			i = j
		case c == ';' && atomicDepth == 0:
			semis = append(semis, i)
			prevWord = ""
			i++
		default:
			if !isSpace(c) {
				prevWord = ""
			}
			i++
		}
	}
	return semis, true
}

func skipBlockComment(text string, i int) (int, bool) {
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

// skipQuoted skips a quoted string or identifier starting at i; a doubled
// quote is an escaped one, and with escapes a backslash escapes too.
func skipQuoted(text string, i int, q byte, escapes bool) (int, bool) {
	i++
	for i < len(text) {
		switch {
		case escapes && text[i] == '\\':
			i += 2
		case text[i] == q:
			if i+1 < len(text) && text[i+1] == q {
				i += 2
				continue
			}
			return i + 1, true
		default:
			i++
		}
	}
	return i, false
}

// dollarTag returns the $tag$ opening a dollar-quoted string at i.
func dollarTag(text string, i int) (string, bool) {
	j := i + 1
	for j < len(text) && text[j] != '$' {
		if !isIdentChar(text[j]) || (j == i+1 && text[j] >= '0' && text[j] <= '9') {
			return "", false
		}
		j++
	}
	if j >= len(text) {
		return "", false
	}
	return text[i : j+1], true
}

func indexFrom(s, sub string, from int) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func isIdentStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9') || c == '$'
}

func upper(s string) string {
	if len(s) > 8 {
		return "" // only short keywords matter
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
