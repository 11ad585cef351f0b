package rules

import (
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// UniqueConstraintWithoutIndex flags UNIQUE constraints added to existing
// tables without USING INDEX.
var UniqueConstraintWithoutIndex = &Rule{
	Name:     "unique-constraint-without-index",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.AddConstraint},
	Doc:      `ADD CONSTRAINT ... UNIQUE (or a new column declared UNIQUE) builds the unique index while holding ACCESS EXCLUSIVE on the table: no reads, no writes for the whole build. Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then attach it with ADD CONSTRAINT ... UNIQUE USING INDEX, which is instant.`,
	Bad:      "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
	Good:     "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
	Steps:    []string{"CREATE UNIQUE INDEX CONCURRENTLY name ON table (cols); (outside a transaction)", "ALTER TABLE table ADD CONSTRAINT name UNIQUE USING INDEX name;"},
	Op: func(p *Pass, op *ops.Op) {
		if k := op.Constraint; k != nil && k.Type == ops.Unique && k.UsingIndex == "" {
			p.Reportf(op.Span, "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX",
				"adding a UNIQUE constraint on %s (%s) builds its index under an ACCESS EXCLUSIVE lock", qname(op.Table), strings.Join(k.Columns, ", "))
		}
	},
}
