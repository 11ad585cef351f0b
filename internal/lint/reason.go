package lint

import (
	"strings"
	"unicode"

	"github.com/schemagate/schemagate/rules"
)

// NeedsReason reports whether suppressing f takes a reason a person
// wrote: a compatibility error breaks the running release, and the
// comment that lets it through must say why that is acceptable.
func NeedsReason(f rules.Finding) bool {
	return f.Category == rules.Compatibility && f.Severity == rules.Error
}

// placeholderWords are what is typed, or left behind by a template,
// where a reason should be. A reason made of nothing else says nothing.
var placeholderWords = map[string]bool{
	"todo": true, "fixme": true, "xxx": true, "tbd": true, "hack": true, "wip": true,
	"reason": true, "reasons": true, "because": true, "why": true, "say": true, "explain": true,
	"this": true, "it": true, "is": true, "safe": true, "ok": true, "okay": true, "fine": true,
	"here": true, "add": true, "a": true, "the": true, "write": true, "your": true,
	"placeholder": true, "n/a": true, "na": true, "none": true, "ignore": true, "ignored": true,
	"temp": true, "temporary": true, "test": true, "testing": true, "later": true, "yes": true,
}

// PlaceholderReason reports why reason is not a reason a person wrote,
// or "" when it is one: it is empty, starts with a to-do marker (TODO,
// FIXME, XXX, TBD), or is made only of words that stand in for a reason
// ("say why this is safe", "reason", "ok"), like the template the
// editor's quick fix once wrote.
func PlaceholderReason(reason string) string {
	r := strings.TrimSpace(reason)
	if r == "" {
		return "no reason is given"
	}
	words := strings.FieldsFunc(strings.ToLower(r), func(c rune) bool {
		return !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '/'
	})
	if len(words) == 0 {
		return "the reason has no words"
	}
	switch words[0] {
	case "todo", "fixme", "xxx", "tbd":
		return "the reason is a " + strings.ToUpper(words[0]) + " placeholder"
	}
	for _, w := range words {
		if !placeholderWords[w] {
			return ""
		}
	}
	return "\"" + r + "\" stands in for a reason"
}

// reasonProblem is the invalid-suppression message for a comment that
// suppresses f with reason, or "" when the reason will do.
func reasonProblem(f rules.Finding, reason string) string {
	why := PlaceholderReason(reason)
	switch {
	case why == "":
		return ""
	case strings.TrimSpace(reason) == "":
		return "suppressing " + f.Rule + ", a compatibility error, needs a reason after the rule name: say why the running release is not affected"
	}
	return "suppressing " + f.Rule + ", a compatibility error, needs a reason a person wrote (" + why + "): say why the running release is not affected"
}
