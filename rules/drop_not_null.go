package rules

import "github.com/schemagate/schemagate/internal/ops"

// DropNotNull flags DROP NOT NULL, which lets NULLs reach code that
// assumes there are none.
var DropNotNull = &Rule{
	Name:     "drop-not-null",
	Severity: Hint,
	Category: Compatibility,
	Summary:  "DROP NOT NULL lets NULLs reach a running release that assumes the column is always set",
	Kinds:    []ops.Kind{ops.DropNotNull},
	Doc:      `Once NOT NULL is gone, the new release may write NULLs, and the previous release (still running, or rolled back to) may read them where it assumes a value. Make sure the previous release handles NULL in this column before dropping the constraint.`,
	Bad:      "ALTER TABLE users ALTER COLUMN name DROP NOT NULL;",
	Good:     "-- deploy code that handles NULL names first, then:\nALTER TABLE users ALTER COLUMN name DROP NOT NULL;",
	Steps:    []string{"Deploy code that tolerates NULL in the column.", "Drop NOT NULL in a later release."},
	Op: func(p *Pass, op *ops.Op) {
		p.Reportf(op.Span, "make sure the running release tolerates NULL in this column", "DROP NOT NULL on %s.%s lets NULLs reach code that may assume the column is always set", qname(op.Table), quoteIdent(op.Column))
	},
}
