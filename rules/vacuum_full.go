package rules

import "github.com/schemagate/schemagate/internal/ops"

// VacuumFull flags VACUUM FULL.
var VacuumFull = &Rule{
	Name:     "vacuum-full",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.Vacuum},
	Doc:      `VACUUM FULL copies the whole table and rebuilds its indexes while holding ACCESS EXCLUSIVE: the running release can neither read nor write it until done. Plain VACUUM does not block, and tools such as pg_repack reclaim space online.`,
	Bad:      "VACUUM FULL events;",
	Good:     "VACUUM (ANALYZE) events;",
	Steps:    []string{"Use plain VACUUM, or pg_repack outside the migration."},
	Op: func(p *Pass, op *ops.Op) {
		if !op.Full {
			return
		}
		target := "every table"
		if op.Table.Name != "" {
			target = qname(op.Table)
		}
		p.Reportf(op.Span, "use plain VACUUM, or pg_repack outside the migration", "VACUUM FULL rewrites %s under an ACCESS EXCLUSIVE lock", target)
	},
}
