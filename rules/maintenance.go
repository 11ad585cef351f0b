package rules

import (
	"github.com/schemagate/schemagate/internal/ops"
)

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

// BanDropDatabase flags DROP DATABASE.
var BanDropDatabase = &Rule{
	Name:     "drop-database",
	Severity: Error,
	Category: Data,
	Summary:  "DROP DATABASE in a migration",
	Doc:      `A migration that drops a database destroys every table in it, irrecoverably, on every environment the migration reaches. It does not belong in a schema migration.`,
	Bad:      "DROP DATABASE legacy;",
	Good:     "-- drop databases by hand, after a backup",
	Steps:    []string{"Remove it from the migration; do it by hand with a backup."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.DropDatabase) {
			p.Reportf(op.Span, "drop databases by hand, after a backup, not in a migration", "DROP DATABASE %s destroys every table in it", qname(op.Object))
		}
	},
}

// VacuumFull flags VACUUM FULL.
var VacuumFull = &Rule{
	Name:     "vacuum-full",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
	Doc:      `VACUUM FULL copies the whole table and rebuilds its indexes while holding ACCESS EXCLUSIVE: the running release can neither read nor write it until done. Plain VACUUM does not block, and tools such as pg_repack reclaim space online.`,
	Bad:      "VACUUM FULL events;",
	Good:     "VACUUM (ANALYZE) events;",
	Steps:    []string{"Use plain VACUUM, or pg_repack outside the migration."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.Vacuum) {
			if op.Full && !p.IsNew(op) {
				target := "every table"
				if op.Table.Name != "" {
					target = qname(op.Table)
				}
				p.Reportf(op.Span, "use plain VACUUM, or pg_repack outside the migration", "VACUUM FULL rewrites %s under an ACCESS EXCLUSIVE lock", target)
			}
		}
	},
}

// BanCluster flags CLUSTER.
var BanCluster = &Rule{
	Name:     "cluster",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
	Doc:      `CLUSTER rewrites the whole table in index order and rebuilds its indexes while holding ACCESS EXCLUSIVE. pg_repack can reorder a table online.`,
	Bad:      "CLUSTER events USING events_created_at_idx;",
	Good:     "-- pg_repack --order-by=created_at --table=events, outside the migration",
	Steps:    []string{"Use pg_repack outside the migration, or a maintenance window."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.Cluster) {
			if !p.IsNew(op) {
				target := "the clustered tables"
				if op.Table.Name != "" {
					target = qname(op.Table)
				}
				p.Reportf(op.Span, "use pg_repack outside the migration", "CLUSTER rewrites %s under an ACCESS EXCLUSIVE lock", target)
			}
		}
	},
}

// DataBackfill flags UPDATE/DELETE of existing tables in migrations that
// also change the schema.
var DataBackfill = &Rule{
	Name:     "data-backfill-in-schema-migration",
	Severity: Warning,
	Category: Data,
	Summary:  "UPDATE or DELETE of an existing table mixed into a schema migration",
	Doc:      `A backfill in the same migration as schema changes runs in the same transaction: every row it touches stays locked, and any ACCESS EXCLUSIVE lock the schema change took is held for the whole backfill. On a large table that is minutes of blocked writes, and a failed backfill rolls back the schema change too. Run backfills separately, in batches, after the schema change is deployed.`,
	Bad:      "ALTER TABLE users ADD COLUMN active boolean;\nUPDATE users SET active = true;",
	Good:     "-- migration:\nALTER TABLE users ADD COLUMN active boolean;\n-- later, a batched job:\nUPDATE users SET active = true WHERE id BETWEEN $1 AND $2;",
	Steps:    []string{"Keep the schema change in the migration.", "Backfill in batches from a separate job or a separate non-transactional migration."},
	Run: func(p *Pass) {
		ddl := false
		for _, op := range p.Ops() {
			switch op.Kind {
			case ops.Update, ops.Delete, ops.Insert, ops.Select, ops.Set, ops.Begin, ops.Commit, ops.Rollback, ops.Savepoint, ops.Comment, ops.Grant, ops.Other, ops.Do:
			default:
				ddl = true
			}
		}
		if !ddl {
			return
		}
		for _, op := range p.Ops(ops.Update, ops.Delete) {
			if p.IsNew(op) {
				continue
			}
			verb := "UPDATE"
			if op.Kind == ops.Delete {
				verb = "DELETE"
			}
			scope := ""
			if op.Detail == "all rows" {
				scope = " of every row"
			}
			p.Reportf(op.Span, "run the backfill separately, in batches, after the schema change is deployed",
				"%s%s of %s in a schema migration holds its row locks (and any lock the schema changes took) for the whole backfill", verb, scope, qname(op.Table))
		}
	},
}

func init() {
	Register(TruncateCascade, BanDropDatabase, VacuumFull, BanCluster, DataBackfill)
}
