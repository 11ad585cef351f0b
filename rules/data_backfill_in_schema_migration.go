package rules

import (
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

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
		// A run of backfill statements of one table is one finding with the
		// span of the run: a data migration of thousands of UPDATEs after
		// one ALTER TABLE says it once.
		var run []*ops.Op
		flush := func() {
			if len(run) == 0 {
				return
			}
			first, last := run[0], run[len(run)-1]
			verb, scope := backfillVerb(first)
			if len(run) == 1 {
				p.Reportf(first.Span, "run the backfill separately, in batches, after the schema change is deployed",
					"%s%s of %s in a schema migration holds its row locks (and any lock the schema changes took) for the whole backfill", verb, scope, qname(first.Table))
			} else {
				p.Reportf(source.Span{Start: first.Span.Start, End: last.Span.End}, "run the backfill separately, in batches, after the schema change is deployed",
					"%d %s statements%s of %s (to line %d) in a schema migration hold their row locks (and any lock the schema changes took) for the whole backfill", len(run), verb, scope, qname(first.Table), last.Span.Start.Line)
			}
			run = nil
		}
		for _, op := range p.Ops() {
			switch op.Kind {
			case ops.Set, ops.Comment, ops.Select:
				continue // between two backfill statements, part of the run
			case ops.Update, ops.Delete:
				if p.IsNew(op) {
					break
				}
				if len(run) > 0 {
					v, s := backfillVerb(op)
					rv, rs := backfillVerb(run[0])
					if v != rv || s != rs || op.Table.Key() != run[0].Table.Key() {
						flush()
					}
				}
				run = append(run, op)
				continue
			}
			flush()
		}
		flush()
	},
}

// backfillVerb names a backfill statement and how much it touches.
func backfillVerb(op *ops.Op) (verb, scope string) {
	verb = "UPDATE"
	if op.Kind == ops.Delete {
		verb = "DELETE"
	}
	if op.Detail == "all rows" {
		scope = " of every row"
	}
	return verb, scope
}
