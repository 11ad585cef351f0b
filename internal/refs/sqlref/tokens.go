package sqlref

import (
	"sort"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/sqlparse"
)

// The parse tree locates a qualified name by its first part and does not
// locate USING or ON CONFLICT column lists at all; PostgreSQL's scanner,
// run once per text and only when needed, finds the names themselves.

func (r *resolver) tokens() []*pg.ScanToken {
	if !r.scanned {
		r.scanned = true
		if res, err := pg.Scan(r.text); err == nil {
			r.toks = res.Tokens
		}
	}
	return r.toks
}

// nameOffset returns the offset of part idx (0-based) of the dotted name
// that starts at loc: for s.t.c at loc, part 2 is c. It reads the text
// itself rather than calling the scanner: this is the common case.
func (r *resolver) nameOffset(loc, idx int) int {
	t := r.text
	i := loc
	for k := 0; k < idx; k++ {
		j := i
		if j < len(t) && t[j] == '"' {
			if e, ok := sqlparse.LiteralEnd(t, j); ok {
				j = e
			}
		} else {
			j = identEnd(t, j)
		}
		if j == i {
			return loc
		}
		j = skipSpaces(t, j)
		if j >= len(t) || t[j] != '.' {
			return loc
		}
		i = skipSpaces(t, j+1)
	}
	return i
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// findIdent returns the offset of the first identifier at or after from
// whose name is name; from itself when there is none.
func (r *resolver) findIdent(from int, name string) int {
	toks := r.tokens()
	i := sort.Search(len(toks), func(i int) bool { return int(toks[i].Start) >= from })
	for ; i < len(toks); i++ {
		t := toks[i]
		if t.Token != pg.Token_IDENT && t.KeywordKind == pg.KeywordKind_NO_KEYWORD {
			continue
		}
		if identValue(r.text[t.Start:t.End]) == name {
			return int(t.Start)
		}
	}
	return from
}

// identValue is the name an identifier token denotes: folded to lower
// case unless quoted.
func identValue(tok string) string {
	if len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"' {
		return strings.ReplaceAll(tok[1:len(tok)-1], `""`, `"`)
	}
	return strings.ToLower(tok)
}
