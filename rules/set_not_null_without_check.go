package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// SetNotNullWithoutCheck flags SET NOT NULL that must scan the table.
var SetNotNullWithoutCheck = &Rule{
	Name:     "set-not-null-without-check",
	Severity: Warning,
	Category: Locking,
	Summary:  "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock unless a validated CHECK proves it",
	Doc:      `ALTER COLUMN ... SET NOT NULL reads every row to prove there is no NULL while holding ACCESS EXCLUSIVE: the running release can neither read nor write the table meanwhile. From PostgreSQL 12, a validated CHECK (col IS NOT NULL) constraint lets it skip the scan. So: add the CHECK NOT VALID, VALIDATE it separately (no blocking lock), then SET NOT NULL (instant) and drop the CHECK. (SET NOT NULL also breaks a running release that still inserts NULLs into the column; check reports that.)`,
	Bad:      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
	Good:     "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n-- next migration:\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;",
	Steps: []string{
		"ALTER TABLE t ADD CONSTRAINT t_col_not_null CHECK (col IS NOT NULL) NOT VALID;",
		"ALTER TABLE t VALIDATE CONSTRAINT t_col_not_null; (separate transaction)",
		"ALTER TABLE t ALTER COLUMN col SET NOT NULL; (PostgreSQL 12+: no scan)",
		"ALTER TABLE t DROP CONSTRAINT t_col_not_null;",
	},
	Run: func(p *Pass) {
		// A CHECK (col IS NOT NULL) validated earlier in this migration, in
		// an earlier transaction, proves the column.
		type proof struct {
			notValid bool
			tx       int
		}
		proven := map[string]proof{}
		names := map[string]string{} // constraint key -> column key
		for _, op := range p.Ops(ops.AddConstraint, ops.ValidateConstr, ops.SetNotNull) {
			switch op.Kind {
			case ops.AddConstraint:
				if k := op.Constraint; k != nil && k.NotNullColumn != "" {
					key := op.Table.Key() + "." + k.NotNullColumn
					names[op.Table.Key()+"."+k.Name] = key
					proven[key] = proof{notValid: k.NotValid, tx: op.Tx}
				}
			case ops.ValidateConstr:
				if key, ok := names[op.Table.Key()+"."+op.Object.Name]; ok {
					proven[key] = proof{tx: op.Tx}
				}
			case ops.SetNotNull:
				if p.IsNew(op) {
					continue
				}
				key := op.Table.Key() + "." + op.Column
				if p.PGVersion >= 12 {
					if pr, ok := proven[key]; ok && !pr.notValid {
						continue
					}
					if p.Schema != nil && p.Schema.HasValidNotNullCheck(op.Table, op.Column) {
						continue
					}
				}
				hint := fmt.Sprintf("add CHECK (%s IS NOT NULL) NOT VALID, VALIDATE it in a separate migration, then SET NOT NULL", quoteIdent(op.Column))
				if p.PGVersion < 12 {
					hint = "PostgreSQL before 12 always scans for SET NOT NULL; keep a validated CHECK (col IS NOT NULL) constraint instead"
				}
				p.Reportf(op.Span, hint, "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE lock", qname(op.Table), quoteIdent(op.Column))
			}
		}
	},
}
