package sqlref

import (
	"sort"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Replacement is one piece of text that NormalizePlaceholders rewrote:
// original bytes [Orig, OrigEnd) became normalised bytes [Norm, NormEnd).
type Replacement struct {
	Orig, OrigEnd int
	Norm, NormEnd int
	Text          string // the original placeholder, e.g. ":user_id" or "#{id}"
}

// Mapping maps byte offsets in normalised text back to the original.
type Mapping []Replacement

// Original returns the offset in the original text of normalised offset
// off. An offset inside a rewritten placeholder maps to its start.
func (m Mapping) Original(off int) int {
	i := sort.Search(len(m), func(i int) bool { return m[i].Norm > off }) - 1
	if i < 0 {
		return off
	}
	r := m[i]
	if off < r.NormEnd {
		return r.Orig
	}
	return off - r.NormEnd + r.OrigEnd
}

// NormalizePlaceholders rewrites the bind placeholders of the usual
// drivers and template languages to PostgreSQL's $n so that the text
// parses: ? and ?N (JDBC, JPA), :name (Rails, SQLAlchemy, Hibernate),
// %s %d %v %(name)s (Go fmt, Python DB-API), #{...} (Ruby, MyBatis),
// ${...} (JavaScript templates), {} and {name} (format strings), @name
// (Dapper, sqlc) and sqlc.arg(name)/narg/slice. Named placeholders that
// repeat share one number; existing $n keep theirs and new numbers start
// after the highest. Strings, quoted identifiers, comments, dollar quotes
// and :: casts are left alone. The Mapping maps offsets back.
func NormalizePlaceholders(s string) (string, Mapping) {
	found, maxN := scanPlaceholders(s)
	if len(found) == 0 {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s) + 2*len(found))
	m := make(Mapping, 0, len(found))
	numbers := map[string]int{}
	next := maxN
	last := 0
	for _, p := range found {
		b.WriteString(s[last:p.start])
		repl := p.literal
		if repl == "" {
			n, ok := numbers[p.key]
			if !ok || p.key == "" {
				next++
				n = next
				if p.key != "" {
					numbers[p.key] = n
				}
			}
			repl = "$" + strconv.Itoa(n)
		}
		normStart := b.Len()
		b.WriteString(repl)
		m = append(m, Replacement{Orig: p.start, OrigEnd: p.end, Norm: normStart, NormEnd: b.Len(), Text: s[p.start:p.end]})
		last = p.end
	}
	b.WriteString(s[last:])
	return b.String(), m
}

type placeholder struct {
	start, end int
	key        string // named placeholders with the same key share a number; "" means a fresh one
	literal    string // when set, the text to write instead of a $n (escapes like %% and ??)
}

// scanPlaceholders finds the placeholders outside strings, quoted
// identifiers and comments, and the highest existing $n.
func scanPlaceholders(s string) ([]placeholder, int) {
	var out []placeholder
	maxN := 0
	i := 0
	// named adds s[i:end] (a sigil and its name) as a placeholder and moves
	// past it, or past the lone sigil when no name follows (end == i+1).
	named := func(end int) {
		if end == i+1 {
			i++
			return
		}
		out = append(out, placeholder{start: i, end: end, key: s[i:end]})
		i = end
	}
	for i < len(s) {
		c := s[i]
		// Strings, quoted identifiers, comments and dollar quotes end
		// where PostgreSQL's scanner ends them.
		if c == '\'' || c == '"' || c == '-' || c == '/' || (c == '$' && !(i+1 < len(s) && s[i+1] == '{') && (i == 0 || !isIdentStart(s[i-1]))) {
			if end, ok := sqlparse.LiteralEnd(s, i); ok {
				i = end
				continue
			}
		}
		switch {
		case c == '$':
			if i+1 < len(s) && s[i+1] == '{' {
				if end := matchBrace(s, i+1); end > 0 {
					out = append(out, placeholder{start: i, end: end, key: "$" + s[i+2:end-1]})
					i = end
					continue
				}
			}
			if i > 0 && isIdentStart(s[i-1]) {
				i++ // part of an identifier such as a$b
				continue
			}
			if j := digitsEnd(s, i+1); j > i+1 {
				if n, err := strconv.Atoi(s[i+1 : j]); err == nil && n > maxN {
					maxN = n
				}
				i = j
				continue
			}
			i++
		case c == '#' && i+1 < len(s) && s[i+1] == '{':
			if end := matchBrace(s, i+1); end > 0 {
				out = append(out, placeholder{start: i, end: end, key: "#" + strings.TrimSpace(s[i+2:end-1])})
				i = end
				continue
			}
			i++
		case c == '{':
			j := i + 1
			for j < len(s) && s[j] != '}' && s[j] != '{' && s[j] != '\n' {
				j++
			}
			if j < len(s) && s[j] == '}' {
				key := ""
				if name := strings.TrimSpace(s[i+1 : j]); name != "" {
					key = "{" + name
				}
				out = append(out, placeholder{start: i, end: j + 1, key: key})
				i = j + 1
				continue
			}
			i++
		case c == '?':
			switch {
			case i+1 < len(s) && s[i+1] == '?':
				// JDBC's escape for the jsonb ? operator.
				out = append(out, placeholder{start: i, end: i + 2, literal: "?"})
				i += 2
			case i+1 < len(s) && (s[i+1] == '|' || s[i+1] == '&'):
				i += 2 // jsonb ?| and ?& operators
			case nextNonSpace(s, i+1) == '\'':
				i++ // jsonb ? 'key'
			default:
				j := digitsEnd(s, i+1)
				key := ""
				if j > i+1 {
					key = s[i:j]
				}
				out = append(out, placeholder{start: i, end: j, key: key})
				i = j
			}
		case c == '%':
			if p, ok := percentPlaceholder(s, i); ok {
				out = append(out, p)
				i = p.end
				continue
			}
			i++
		case c == ':':
			if i+1 < len(s) && s[i+1] == ':' {
				i += 2 // a cast
				continue
			}
			if i > 0 && (isIdentByte(s[i-1]) || s[i-1] == ':' || s[i-1] == '[') {
				i++ // array slice a[1:2] or part of a token
				continue
			}
			j := identEnd(s, i+1)
			if j == i+1 {
				j = digitsEnd(s, i+1) // :1
			}
			named(j)
		case c == '@':
			if i > 0 && (isIdentByte(s[i-1]) || isOperatorByte(s[i-1])) {
				i++
				continue
			}
			named(identEnd(s, i+1))
		case (c == 's' || c == 'S') && (i == 0 || !isIdentByte(s[i-1])):
			if p, ok := sqlcArg(s, i); ok {
				out = append(out, p)
				i = p.end
				continue
			}
			i = identEnd(s, i)
		case isIdentByte(c):
			// Skip the rest of a word so E'...' and U&'...' prefixes and
			// words containing $ or @ are seen whole.
			j := identEnd(s, i)
			if j == i {
				j = i + 1
			}
			if end, ok := sqlparse.LiteralEnd(s, i); ok {
				i = end // E'...', B'...', X'...', U&'...'
				continue
			}
			i = j
		default:
			i++
		}
	}
	return out, maxN
}

// percentPlaceholder recognises Go fmt and Python DB-API placeholders at
// s[i] == '%'.
func percentPlaceholder(s string, i int) (placeholder, bool) {
	if i+1 >= len(s) {
		return placeholder{}, false
	}
	switch c := s[i+1]; {
	case c == '%':
		return placeholder{start: i, end: i + 2, literal: "%"}, true
	case c == '(':
		j := strings.IndexByte(s[i+2:], ')')
		if j < 0 {
			return placeholder{}, false
		}
		name := s[i+2 : i+2+j]
		end := i + 2 + j + 1
		if identEnd(name, 0) != len(name) || end >= len(s) || !isVerb(s[end]) {
			return placeholder{}, false
		}
		return placeholder{start: i, end: end + 1, key: "%(" + name}, true
	case isVerb(c):
		if i+2 < len(s) && isIdentByte(s[i+2]) {
			return placeholder{}, false // a modulo followed by a name: a %sx
		}
		return placeholder{start: i, end: i + 2}, true
	}
	return placeholder{}, false
}

func isVerb(c byte) bool {
	switch c {
	case 's', 'd', 'v', 'q', 'f', 'b', 't', 'x':
		return true
	}
	return false
}

// sqlcArg recognises sqlc.arg(name), sqlc.narg(name) and sqlc.slice(name).
func sqlcArg(s string, i int) (placeholder, bool) {
	rest := s[i:]
	if len(rest) < 9 || !strings.EqualFold(rest[:5], "sqlc.") {
		return placeholder{}, false
	}
	j := identEnd(rest, 5)
	switch strings.ToLower(rest[5:j]) {
	case "arg", "narg", "slice":
	default:
		return placeholder{}, false
	}
	if j >= len(rest) || rest[j] != '(' {
		return placeholder{}, false
	}
	k := strings.IndexByte(rest[j:], ')')
	if k < 0 {
		return placeholder{}, false
	}
	name := strings.Trim(strings.TrimSpace(rest[j+1:j+k]), `'"`)
	return placeholder{start: i, end: i + j + k + 1, key: "@" + name}, true
}

// matchBrace returns the offset after the '}' that closes the '{' at i,
// or -1.
func matchBrace(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		case '\n':
			if depth > 0 && j-i > 200 {
				return -1
			}
		}
	}
	return -1
}

func nextNonSpace(s string, i int) byte {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	if i < len(s) {
		return s[i]
	}
	return 0
}

func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// identEnd returns the end of the identifier starting at i (i itself when
// none starts there).
func identEnd(s string, i int) int {
	if i >= len(s) || !isIdentStart(s[i]) {
		return i
	}
	for i < len(s) && (isIdentByte(s[i]) || s[i] == '$') {
		i++
	}
	return i
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9')
}

func isOperatorByte(c byte) bool {
	return strings.IndexByte("+-*/<>=~!@#%^&|`?", c) >= 0
}
