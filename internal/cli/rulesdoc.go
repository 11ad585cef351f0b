package cli

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/rules"
)

// RulesMarkdown renders every rule's documentation for docs/rules.md,
// which Rule.URL links to. A test keeps the file in step with the code.
func RulesMarkdown() string {
	var b strings.Builder
	b.WriteString("# schemagate rules\n\n")
	b.WriteString("Generated from the rule definitions in `rules/` (`go test ./internal/cli -run TestRulesDoc -update`). `schemagate explain RULE` prints the same text.\n\n")
	b.WriteString("| rule | default severity | category | what it catches |\n|---|---|---|---|\n")
	for _, r := range rules.All() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", r.Name, r.Name, r.Severity, r.Category, r.Summary)
	}
	for _, r := range rules.All() {
		fmt.Fprintf(&b, "\n## %s\n\n*%s, %s.* %s\n\n%s\n", r.Name, r.Severity, r.Category, r.Summary, r.Doc)
		if r.Bad != "" {
			fmt.Fprintf(&b, "\nUnsafe:\n\n```sql\n%s\n```\n", r.Bad)
		}
		if r.Good != "" {
			fmt.Fprintf(&b, "\nSafe:\n\n```sql\n%s\n```\n", r.Good)
		}
		if len(r.Steps) > 0 {
			b.WriteString("\nSafe sequence:\n\n")
			for i, s := range r.Steps {
				fmt.Fprintf(&b, "%d. %s\n", i+1, s)
			}
		}
		if r.CheckOnly {
			b.WriteString("\nOnly `check --previous REV` reports this: it needs to know what the running release uses.\n")
		} else if r.NeedsReferences {
			b.WriteString("\n`lint` reports this as a warning; `check --previous REV` knows whether the running release uses what is changed and reports it only then (an error when the use is certain).\n")
		}
	}
	return b.String()
}
