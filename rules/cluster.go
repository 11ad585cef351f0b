package rules

import "github.com/schemagate/schemagate/internal/ops"

// Cluster flags CLUSTER.
var Cluster = &Rule{
	Name:     "cluster",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.Cluster},
	Doc:      `CLUSTER rewrites the whole table in index order and rebuilds its indexes while holding ACCESS EXCLUSIVE. pg_repack can reorder a table online.`,
	Bad:      "CLUSTER events USING events_created_at_idx;",
	Good:     "-- pg_repack --order-by=created_at --table=events, outside the migration",
	Steps:    []string{"Use pg_repack outside the migration, or a maintenance window."},
	Op: func(p *Pass, op *ops.Op) {
		target := "the clustered tables"
		if op.Table.Name != "" {
			target = qname(op.Table)
		}
		p.Reportf(op.Span, "use pg_repack outside the migration", "CLUSTER rewrites %s under an ACCESS EXCLUSIVE lock", target)
	},
}
