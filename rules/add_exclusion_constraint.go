package rules

import "github.com/schemagate/schemagate/internal/ops"

// AddExclusionConstraint flags exclusion constraints on existing tables.
var AddExclusionConstraint = &Rule{
	Name:     "add-exclusion-constraint",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding an EXCLUSION constraint builds its index under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.AddConstraint},
	Doc:      `An exclusion constraint cannot be added NOT VALID or USING INDEX: PostgreSQL builds its index and checks every row while holding ACCESS EXCLUSIVE on the table. On a table of any size, do it in a maintenance window or create a new table with the constraint and move the data.`,
	Bad:      "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
	Good:     "-- add it when the table is created, or in a maintenance window",
	Steps:    []string{"Prefer adding exclusion constraints when the table is created.", "Otherwise schedule the change when a full lock is acceptable."},
	Op: func(p *Pass, op *ops.Op) {
		if k := op.Constraint; k != nil && k.Type == ops.Exclusion {
			p.Reportf(op.Span, "add exclusion constraints when a table is created, or when a full lock is acceptable",
				"adding an EXCLUSION constraint to %s builds its index and checks every row under an ACCESS EXCLUSIVE lock", qname(op.Table))
		}
	},
}
