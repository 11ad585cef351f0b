package rules

import "github.com/schemagate/schemagate/internal/ops"

// DomainConstraint flags constraints on domains.
var DomainConstraint = &Rule{
	Name:     "domain-constraint",
	Severity: Warning,
	Category: Locking,
	Summary:  "a CHECK on a domain is validated against every column of that domain, under locks, and cannot be staged",
	Kinds:    []ops.Kind{ops.CreateDomain, ops.AlterDomain},
	Doc:      `ALTER DOMAIN ... ADD CONSTRAINT checks every column of every table that uses the domain while locking them, and a CREATE DOMAIN with a CHECK makes every later change to that rule such an operation. Unlike table constraints, domain constraints cannot be staged with NOT VALID plus a cheap VALIDATE in all versions, and the tables affected are not visible in the migration. Prefer table CHECK constraints, which can be added NOT VALID and validated without blocking.`,
	Bad:      "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');",
	Good:     "ALTER TABLE users ADD CONSTRAINT users_email_has_at CHECK (email LIKE '%@%') NOT VALID;",
	Steps:    []string{"Use table CHECK constraints: ADD ... NOT VALID, then VALIDATE CONSTRAINT separately."},
	Op: func(p *Pass, op *ops.Op) {
		if op.Constraint == nil {
			return
		}
		if op.Kind == ops.CreateDomain {
			p.Reportf(op.Span, "use a CHECK constraint on the table instead", "domain %s has a CHECK constraint; changing it later locks and scans every table that uses the domain", qname(op.Object))
			return
		}
		if op.Constraint.NotValid {
			return
		}
		p.Reportf(op.Span, "add it NOT VALID and VALIDATE it separately, or use table CHECK constraints", "ALTER DOMAIN %s ADD CONSTRAINT checks every column of that domain in every table while locking them", qname(op.Object))
	},
}
