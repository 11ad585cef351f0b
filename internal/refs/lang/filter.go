package lang

import (
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// MaybeSQL is the cheap test a literal passes before the SQL parser sees
// it. The text must start (after whitespace, SQL comments and opening
// parentheses) with a statement keyword, and contain one of the pairs
// SELECT ... FROM, INSERT INTO, UPDATE ... SET, DELETE FROM or
// WITH ... AS (, all case-insensitive. Prose is rejected: a sentence
// starts with a capitalised word ("Select a user from the list") or ends
// with a full stop, and SQL does neither.
func MaybeSQL(s string) bool {
	i := skipLeading(s)
	w := wordAt(s, i)
	if w == "" || !statementStart(w) {
		return false
	}
	if titleCase(w) {
		return false
	}
	if t := strings.TrimRight(s, " \t\r\n;"); strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") {
		return false
	}
	return hasPair(s, i)
}

// skipLeading skips whitespace, "--" and "/* */" comments and "(".
func skipLeading(s string) int {
	i := 0
	for i < len(s) {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(':
			i++
		case strings.HasPrefix(s[i:], "--"):
			nl := strings.IndexByte(s[i:], '\n')
			if nl < 0 {
				return len(s)
			}
			i += nl + 1
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return len(s)
			}
			i += end + 4
		default:
			return i
		}
	}
	return i
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func wordAt(s string, i int) string {
	j := i
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	return s[i:j]
}

var statementWords = []string{"select", "insert", "update", "delete", "with", "explain", "create", "copy", "merge"}

func statementStart(w string) bool { return refs.ContainsFold(statementWords, w) }

// titleCase reports "Select": a capital followed by lower-case letters.
func titleCase(w string) bool {
	if len(w) < 2 || w[0] < 'A' || w[0] > 'Z' {
		return false
	}
	for i := 1; i < len(w); i++ {
		if w[i] >= 'a' && w[i] <= 'z' {
			return true
		}
	}
	return false
}

// hasPair looks for a keyword pair in the words of s from offset i.
func hasPair(s string, i int) bool {
	var sel, upd, with bool
	prev := ""
	for i < len(s) {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		w := wordAt(s, i)
		i += len(w)
		switch {
		case strings.EqualFold(w, "select"):
			sel = true
		case strings.EqualFold(w, "update"):
			upd = true
		case strings.EqualFold(w, "with"):
			with = true
		case strings.EqualFold(w, "from"):
			if sel || strings.EqualFold(prev, "delete") {
				return true
			}
		case strings.EqualFold(w, "into"):
			if strings.EqualFold(prev, "insert") {
				return true
			}
		case strings.EqualFold(w, "set"):
			if upd {
				return true
			}
		case strings.EqualFold(w, "as"):
			if with && opensParen(s, i) {
				return true
			}
		}
		prev = w
	}
	return false
}

// opensParen reports whether s continues at i with "(", optionally after
// [NOT] MATERIALIZED.
func opensParen(s string, i int) bool {
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++
		}
		if i >= len(s) {
			return false
		}
		if s[i] == '(' {
			return true
		}
		w := wordAt(s, i)
		if !strings.EqualFold(w, "not") && !strings.EqualFold(w, "materialized") {
			return false
		}
		i += len(w)
	}
}

// Windows in which a keyword's partner must follow in the source for
// the keyword to count as a hit: generous, since the partner may sit in
// the next concatenated literal or after a long column list.
const (
	selectWindow = 8 << 10
	updateWindow = 4 << 10
)

// sqlHits returns the offsets of the SELECT, INSERT, UPDATE and DELETE
// keywords in src (whole words, any case, not spelled as code) that are
// followed by their partner: FROM within selectWindow bytes, the next
// word INTO, SET within updateWindow, the next word FROM. It is one pass
// over the words of src; a file without hits is not parsed.
func sqlHits(src []byte) []int {
	var hits, selects, updates, froms, sets []int
	prev, prevAt := "", 0
	n := len(src)
	for i := 0; i < n; {
		if !isWordByte(src[i]) {
			i++
			continue
		}
		j := i + 1
		for j < n && isWordByte(src[j]) {
			j++
		}
		w := ""
		switch j - i {
		case 3:
			if foldEq(src[i:j], "set") {
				w = "set"
			}
		case 4:
			if foldEq(src[i:j], "from") {
				w = "from"
			} else if foldEq(src[i:j], "into") {
				w = "into"
			}
		case 6:
			for _, k := range [...]string{"select", "insert", "update", "delete"} {
				if foldEq(src[i:j], k) {
					w = k
					break
				}
			}
		}
		if w != "" && codeWord(src, i, j) {
			w = ""
		}
		switch w {
		case "select":
			selects = append(selects, i)
		case "update":
			updates = append(updates, i)
		case "from":
			froms = append(froms, i)
			if prev == "delete" {
				hits = append(hits, prevAt)
			}
		case "set":
			sets = append(sets, i)
		case "into":
			if prev == "insert" {
				hits = append(hits, prevAt)
			}
		}
		prev, prevAt = w, i
		i = j
	}
	hits = append(hits, followedWithin(selects, froms, selectWindow)...)
	hits = append(hits, followedWithin(updates, sets, updateWindow)...)
	if len(hits) > 1 {
		sort.Ints(hits)
	}
	return hits
}

// followedWithin returns the offsets in kws (ascending) that have an
// offset of partners (ascending) after them within window bytes.
func followedWithin(kws, partners []int, window int) []int {
	var out []int
	p := 0
	for _, k := range kws {
		for p < len(partners) && partners[p] <= k {
			p++
		}
		if p < len(partners) && partners[p]-k <= window {
			out = append(out, k)
		}
	}
	return out
}

// codeWord reports a keyword at src[i:j] that is spelled as code, not as
// SQL: a method or property (.select, Array.from, Set.new), a symbol or
// hash key (:update, update:), a sigil ($set, @from), an assignment
// (update = ...), an argument (f(update), [select, from]) or a call
// (update(, set(). SQL puts none of these around its keywords; SELECT(
// and FROM( are kept, as in SELECT(a) FROM(SELECT ...) s.
func codeWord(src []byte, i, j int) bool {
	if i > 0 {
		switch src[i-1] {
		case '.', ':', '@', '$', '#':
			return true
		}
	}
	if j >= len(src) {
		return false
	}
	switch src[j] {
	case ':', '.':
		return true
	case '(':
		c := src[i] | 0x20
		return !(c == 's' && j-i == 6 || c == 'f') // select( and from( are SQL, set( is not
	}
	k := j
	for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
		k++
	}
	if k < len(src) {
		switch src[k] {
		case '=', ')', ',', ']', '}':
			return true
		}
	}
	return false
}

// foldEq reports whether b equals the lower-case ASCII word kw in any case.
func foldEq(b []byte, kw string) bool {
	if len(b) != len(kw) {
		return false
	}
	for j := range b {
		if b[j]|0x20 != kw[j] {
			return false
		}
	}
	return true
}
