package rules

import "github.com/schemagate/schemagate/internal/ops"

// DataBackfillInSchemaMigration flags UPDATE/DELETE of existing tables
// in migrations that also change the schema.
var DataBackfillInSchemaMigration = &Rule{
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
