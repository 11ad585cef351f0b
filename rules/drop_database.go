package rules

import "github.com/schemagate/schemagate/internal/ops"

// DropDatabase flags DROP DATABASE.
var DropDatabase = &Rule{
	Name:     "drop-database",
	Severity: Error,
	Category: Data,
	Summary:  "DROP DATABASE in a migration",
	Kinds:    []ops.Kind{ops.DropDatabase},
	Doc:      `A migration that drops a database destroys every table in it, irrecoverably, on every environment the migration reaches. It does not belong in a schema migration.`,
	Bad:      "DROP DATABASE legacy;",
	Good:     "-- drop databases by hand, after a backup",
	Steps:    []string{"Remove it from the migration; do it by hand with a backup."},
	Op: func(p *Pass, op *ops.Op) {
		p.Reportf(op.Span, "drop databases by hand, after a backup, not in a migration", "DROP DATABASE %s destroys every table in it", qname(op.Object))
	},
}
