package sqlref

import (
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Shapes that follow the first keyword of a statement. Each is matched
// case-insensitively against the text after that keyword.
var (
	selectShape = regexp.MustCompile(`(?is)^\s+(distinct\b|all\b|[*0-9$'(:?@%{#-]|.*\bfrom\s+[a-z_"(#$:{@]|[a-z_][a-z0-9_.]*\s*\()`)
	insertShape = regexp.MustCompile(`(?is)^\s+into\s+[a-z_"]`)
	updateShape = regexp.MustCompile(`(?is)^\s+(only\s+)?[a-z_"#{$][^\s]*(\s+(as\s+)?[a-z_"]\w*)?\s+set\s`)
	deleteShape = regexp.MustCompile(`(?is)^\s+from\s+[a-z_"#{$]`)
	withShape   = regexp.MustCompile(`(?is)^\s+(recursive\s+)?("[^"]+"|[a-z_]\w*)\s*(\([^)]*\))?\s*as\s*(not\s+)?(materialized\s*)?\(`)
	mergeShape  = regexp.MustCompile(`(?is)^\s+into\s+[a-z_"]`)
	// The keyword that confirms the shape; a sentence-case first word
	// ("Select a file from the list") needs it in the same case.
	shapeWord = regexp.MustCompile(`(?s)\b(From|Into|Set|As)\b`)
)

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
	var shape *regexp.Regexp
	switch strings.ToLower(word) {
	case "select":
		shape = selectShape
	case "insert":
		shape = insertShape
	case "update":
		shape = updateShape
	case "delete":
		shape = deleteShape
	case "with":
		shape = withShape
	case "merge":
		shape = mergeShape
	default:
		return false
	}
	switch {
	case word == strings.ToUpper(word), word == strings.ToLower(word):
	case word[1:] == strings.ToLower(word[1:]):
		// Sentence case: the confirming keyword must be title case too.
		if !shapeWord.MatchString(rest) {
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
