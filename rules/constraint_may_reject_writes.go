package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// ConstraintMayRejectWrites flags constraints added to tables the running
// release writes.
var ConstraintMayRejectWrites = &Rule{
	Name:            "constraint-may-reject-writes",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "a new constraint on a table the running release writes may reject its writes",
	Doc:             `A new UNIQUE, CHECK, FOREIGN KEY or EXCLUSION constraint applies to the running release's INSERTs and UPDATEs at once. If that code can write values the constraint forbids (duplicates, orphans, out-of-range values), its requests start failing. Make sure the running release already writes only valid values (validate in the application first), then add the constraint.`,
	Bad:             "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key; -- the running release does not check for duplicates",
	Good:            "-- release N validates uniqueness in the app; release N+1 adds the constraint",
	Steps:           []string{"Deploy code that only writes valid values.", "Clean up existing rows.", "Add the constraint (NOT VALID, then VALIDATE) in a later release."},
	Run: func(p *Pass) {
		if p.Compat == nil {
			return
		}
		for _, op := range p.Ops(ops.AddConstraint) {
			k := op.Constraint
			if k == nil || p.IsNew(op) || k.Type == ops.PrimaryKey || k.Type == ops.NotNull {
				continue
			}
			var uses []Use
			seen := map[string]bool{}
			cols := k.Columns
			if len(cols) == 0 && k.NotNullColumn != "" {
				cols = []string{k.NotNullColumn}
			}
			for _, c := range cols {
				for _, u := range p.Compat.ColumnUses(op.Table, c) {
					if !u.Insert && u.Usage != "update" {
						continue
					}
					key := fmt.Sprintf("%s:%s:%d", u.Release, u.Evidence.File, u.Evidence.Line)
					if !seen[key] {
						seen[key] = true
						u.Certain = false
						uses = append(uses, u)
					}
				}
			}
			if len(cols) == 0 {
				for _, u := range p.Compat.Inserters(op.Table, "") {
					u.Certain = false
					uses = append(uses, u)
				}
			}
			p.reportUses(op, uses,
				fmt.Sprintf("the new %s constraint on %s applies to the running release's writes at once (%s)", k.Type, qname(op.Table), usesSummary(uses)),
				"make sure the running release only writes values the constraint accepts")
		}
	},
}
