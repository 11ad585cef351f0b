package rules

import "github.com/schemagate/schemagate/internal/ops"

// TruncateCascade flags TRUNCATE ... CASCADE.
var TruncateCascade = &Rule{
	Name:     "truncate-cascade",
	Severity: Error,
	Category: Data,
	Summary:  "TRUNCATE ... CASCADE also empties every table with a foreign key to it",
	Doc:      `CASCADE truncates every table that references the named one through a foreign key, and the tables that reference those, recursively: tables the migration never names lose all their rows. It also takes ACCESS EXCLUSIVE on all of them.`,
	Bad:      "TRUNCATE users CASCADE;",
	Good:     "TRUNCATE sessions; -- name every table you mean to empty",
	Steps:    []string{"Name every table to empty explicitly, without CASCADE."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.Truncate) {
			if op.Cascade {
				p.Reportf(op.Span, "name the tables to empty explicitly, without CASCADE", "TRUNCATE %s CASCADE also empties every table that references it through a foreign key", qname(op.Table))
			}
		}
	},
}
