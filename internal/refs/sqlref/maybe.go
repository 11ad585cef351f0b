package sqlref

import (
	"regexp"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/sqlparse"
)

// shapes are what follows the first keyword of a statement, each
// matched case-insensitively against the text after that keyword. They
// are compiled on first use: a lint never looks for SQL in code, and
// process start-up is most of a warm one.
var shapes = sync.OnceValue(func() (s struct {
	after   map[string]*regexp.Regexp // by the first keyword, lower case
	confirm *regexp.Regexp
}) {
	s.after = map[string]*regexp.Regexp{
		"select": regexp.MustCompile(`(?is)^\s+(distinct\b|all\b|[*0-9$'(:?@%{#-]|.*\bfrom\s+[a-z_"(#$:{@]|[a-z_][a-z0-9_.]*\s*\()`),
		"insert": regexp.MustCompile(`(?is)^\s+into\s+[a-z_"]`),
		"update": regexp.MustCompile(`(?is)^\s+(only\s+)?[a-z_"#{$][^\s]*(\s+(as\s+)?[a-z_"]\w*)?\s+set\s`),
		"delete": regexp.MustCompile(`(?is)^\s+from\s+[a-z_"#{$]`),
		"with":   regexp.MustCompile(`(?is)^\s+(recursive\s+)?("[^"]+"|[a-z_]\w*)\s*(\([^)]*\))?\s*as\s*(not\s+)?(materialized\s*)?\(`),
		"merge":  regexp.MustCompile(`(?is)^\s+into\s+[a-z_"]`),
	}
	// The keyword that confirms the shape; a sentence-case first word
	// ("Select a file from the list") needs it in the same case.
	s.confirm = regexp.MustCompile(`(?s)\b(From|Into|Set|As)\b`)
	return s
})

// MaybeSQL is a cheap pre-filter for string literals found in code: it
// reports whether s starts like a SQL statement that can reference
// tables (SELECT, INSERT, UPDATE, DELETE, WITH, MERGE followed by the
// shape of that statement). UI text that happens to start with such a
// word ("Select a file", "Update your profile", "Delete from favorites")
// is rejected: sentence case counts as SQL only when the rest keeps it.
func MaybeSQL(s string) bool {
	i := skipLead(s)
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
		j++
	}
	if j-i < 4 || j-i > 6 {
		return false
	}
	word, rest := s[i:j], s[j:]
	shape := shapes().after[strings.ToLower(word)]
	if shape == nil {
		return false
	}
	switch {
	case word == strings.ToUpper(word), word == strings.ToLower(word):
	case word[1:] == strings.ToLower(word[1:]):
		// Sentence case: the confirming keyword must be title case too.
		if !shapes().confirm.MatchString(rest) {
			return false
		}
	default:
		return false
	}
	return shape.MatchString(rest)
}

// skipLead skips white space, comments and opening parentheses.
func skipLead(s string) int {
	i := 0
	for {
		i = sqlparse.SkipSpaceAndComments(s, i)
		if i >= len(s) || s[i] != '(' {
			return i
		}
		i++
	}
}
