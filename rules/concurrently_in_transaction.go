package rules

import (
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

// ConcurrentlyInTransaction flags statements that PostgreSQL refuses to run
// inside a transaction block.
var ConcurrentlyInTransaction = &Rule{
	Name:     "concurrently-in-transaction",
	Severity: Error,
	Category: Correctness,
	Summary:  "CONCURRENTLY (and a few other statements) cannot run inside a transaction block",
	Doc:      `CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, ALTER TABLE ... DETACH PARTITION CONCURRENTLY, VACUUM and CREATE/DROP DATABASE fail with "cannot run inside a transaction block" when the migration tool wraps the migration in a transaction, or the file has an explicit BEGIN, or (golang-migrate, Prisma) the file holds several statements that PostgreSQL runs as one implicit transaction. The deploy stops half way.`,
	Bad:      "-- +goose Up\nCREATE INDEX CONCURRENTLY index_users_on_email ON users (email);",
	Good:     "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);",
	Steps: []string{
		"Put the statement in a migration that runs outside a transaction (the format's opt-out annotation, or a file of its own).",
		"Make it idempotent (IF NOT EXISTS / IF EXISTS): a non-transactional migration can fail half way and be retried.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops() {
			if !op.InTransaction {
				continue
			}
			what := ""
			switch {
			case op.Kind == ops.CreateIndex && op.Concurrently:
				what = "CREATE INDEX CONCURRENTLY"
			case op.Kind == ops.DropIndex && op.Concurrently:
				what = "DROP INDEX CONCURRENTLY"
			case op.Kind == ops.Reindex && op.Concurrently:
				what = "REINDEX CONCURRENTLY"
			case op.Kind == ops.DetachPartition && op.Concurrently:
				what = "DETACH PARTITION CONCURRENTLY"
			case op.Kind == ops.Vacuum:
				what = "VACUUM"
			case op.Kind == ops.CreateDatabase:
				what = "CREATE DATABASE"
			case op.Kind == ops.DropDatabase:
				what = "DROP DATABASE"
			default:
				continue
			}
			reason := "the migration runs inside a transaction"
			if !p.Migration.Transactional {
				reason = "it follows an explicit BEGIN"
			} else if p.Migration.Format.Tool().Transaction == migration.TxImplicit {
				reason = "the file has several statements, which PostgreSQL runs as one implicit transaction"
			}
			p.Reportf(op.Span, noTransactionHint(p.Migration.Format), "%s cannot run inside a transaction block, and %s", what, reason)
		}
	},
}
