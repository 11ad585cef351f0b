package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// DropFunction flags dropping a function or type the running release
// still calls or uses.
var DropFunction = &Rule{
	Name:            "drop-function",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	CheckOnly:       true,
	Summary:         "dropping a function or type that the running release still uses breaks it",
	Kinds:           []ops.Kind{ops.DropFunction, ops.DropType, ops.DropDomain},
	Doc:             `SQL of the running release that calls the function (or casts to the type) fails with "function does not exist" once it is dropped. Stop using it first, drop it in a later release.`,
	Bad:             "DROP FUNCTION normalize_email(text);",
	Good:            "-- release N: stop calling normalize_email\n-- release N+1:\nDROP FUNCTION normalize_email(text);",
	Steps:           []string{"Release N: remove every call.", "Release N+1: drop the function or type."},
	Op: func(p *Pass, op *ops.Op) {
		uses := p.Compat.ObjectUses(op.Kind, op.Object)
		word := "function"
		if op.Kind != ops.DropFunction {
			word = "type"
		}
		p.reportUses(op, uses,
			fmt.Sprintf("%s %s is dropped while the running release still uses it (%s)", word, qname(op.Object), usesSummary(uses)),
			"first deploy a release that no longer uses it, then drop it in a later release")
	},
}
