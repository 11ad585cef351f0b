package rules

import (
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

var (
	reCreateIndex = regexp.MustCompile(`(?i)^\s*create\s+(unique\s+)?index`)
	reDropIndex   = regexp.MustCompile(`(?i)^\s*drop\s+index`)
	reReindex     = regexp.MustCompile(`(?i)^\s*reindex\s+(\([^)]*\)\s*)?(index|table|schema|database|system)`)
	reRefresh     = regexp.MustCompile(`(?i)^\s*refresh\s+materialized\s+view`)
)

// RequireConcurrentIndexCreation flags CREATE INDEX on an existing table
// without CONCURRENTLY.
var RequireConcurrentIndexCreation = &Rule{
	Name:     "require-concurrent-index-creation",
	Severity: Warning,
	Category: Locking,
	Summary:  "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds",
	Doc:      `CREATE INDEX takes a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE of the running release waits until the index is done, which on a large table means minutes of failed requests. CREATE INDEX CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes go on. It cannot run inside a transaction block, so the migration must run outside one. An index on a table created earlier in the same migration is not flagged: nobody else can see that table yet.`,
	Bad:      "CREATE INDEX index_users_on_email ON users (email);",
	Good:     "-- (outside a transaction)\nCREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);",
	Steps: []string{
		"Run the migration outside a transaction (see concurrently-in-transaction for your format's way).",
		"CREATE INDEX CONCURRENTLY IF NOT EXISTS ...;",
		"If the build fails it leaves an INVALID index: DROP INDEX CONCURRENTLY it and run the migration again.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.CreateIndex) {
			if op.Concurrently || p.IsNew(op) {
				continue
			}
			f := Finding{
				Span:    op.Span,
				Message: "CREATE INDEX on " + qname(op.Table) + " without CONCURRENTLY blocks writes to the table until the index is built",
				Hint:    concurrentlyHint("CREATE INDEX CONCURRENTLY", op, p.Migration.Format),
				Fixes:   fix("Add CONCURRENTLY", p.insertAfter(op, reCreateIndex, " CONCURRENTLY")),
			}
			p.ReportFinding(f)
		}
	},
}

// RequireConcurrentIndexDeletion flags DROP INDEX without CONCURRENTLY.
var RequireConcurrentIndexDeletion = &Rule{
	Name:     "require-concurrent-index-deletion",
	Severity: Warning,
	Category: Locking,
	Summary:  "DROP INDEX without CONCURRENTLY blocks reads and writes of the table",
	Doc:      `DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: while it waits for running queries to finish, every new query of the running release queues behind it. DROP INDEX CONCURRENTLY waits without blocking others. It cannot run inside a transaction block.`,
	Bad:      "DROP INDEX index_users_on_email;",
	Good:     "-- (outside a transaction)\nDROP INDEX CONCURRENTLY IF EXISTS index_users_on_email;",
	Steps:    []string{"Run the migration outside a transaction.", "DROP INDEX CONCURRENTLY IF EXISTS ...;"},
	Run: func(p *Pass) {
		created := map[string]bool{}
		for _, op := range p.Ops(ops.CreateIndex, ops.DropIndex) {
			if op.Kind == ops.CreateIndex {
				created[op.Object.Name] = true
				continue
			}
			if op.Concurrently || created[op.Object.Name] {
				continue
			}
			if p.Schema != nil {
				if t, ok := p.Schema.IndexTable(op.Object); ok && !p.Schema.TableExisted(t) {
					continue
				}
			}
			p.ReportFinding(Finding{
				Span:    op.Span,
				Message: "DROP INDEX " + qname(op.Object) + " without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its table",
				Hint:    concurrentlyHint("DROP INDEX CONCURRENTLY", op, p.Migration.Format),
				Fixes:   fix("Add CONCURRENTLY", p.insertAfter(op, reDropIndex, " CONCURRENTLY")),
			})
		}
	},
}

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

// RequireConcurrentReindex flags REINDEX without CONCURRENTLY.
var RequireConcurrentReindex = &Rule{
	Name:     "require-concurrent-reindex",
	Severity: Warning,
	Category: Locking,
	Summary:  "REINDEX without CONCURRENTLY blocks writes, and reads too",
	Doc:      `REINDEX locks the table against writes (SHARE) and takes ACCESS EXCLUSIVE on each index it rebuilds; every query on the table opens all its indexes while planning, so reads block too. PostgreSQL 12 added REINDEX CONCURRENTLY, which rebuilds without blocking.`,
	Bad:      "REINDEX INDEX index_users_on_email;",
	Good:     "REINDEX INDEX CONCURRENTLY index_users_on_email;",
	Steps:    []string{"Run REINDEX ... CONCURRENTLY outside a transaction (PostgreSQL 12+)."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.Reindex) {
			if op.Concurrently || p.IsNew(op) {
				continue
			}
			f := Finding{Span: op.Span, Message: "REINDEX without CONCURRENTLY blocks reads and writes of the table while it rebuilds"}
			if p.PGVersion >= 12 {
				f.Hint = "use REINDEX ... CONCURRENTLY outside a transaction"
				f.Fixes = fix("Add CONCURRENTLY", p.insertAfter(op, reReindex, " CONCURRENTLY"))
			} else {
				f.Hint = "REINDEX CONCURRENTLY needs PostgreSQL 12; build a new index CONCURRENTLY and drop the old one instead"
			}
			p.ReportFinding(f)
		}
	},
}

// RefreshMatViewConcurrently flags REFRESH MATERIALIZED VIEW without
// CONCURRENTLY.
var RefreshMatViewConcurrently = &Rule{
	Name:     "refresh-materialized-view-concurrently",
	Severity: Warning,
	Category: Locking,
	Summary:  "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view",
	Doc:      `A plain REFRESH MATERIALIZED VIEW takes ACCESS EXCLUSIVE on the view: the running release cannot read it until the refresh is done. CONCURRENTLY (which needs a unique index on the view) takes only EXCLUSIVE and lets reads continue.`,
	Bad:      "REFRESH MATERIALIZED VIEW sales_summary;",
	Good:     "CREATE UNIQUE INDEX CONCURRENTLY ON sales_summary (day);\nREFRESH MATERIALIZED VIEW CONCURRENTLY sales_summary;",
	Steps:    []string{"Make sure the view has a unique index.", "REFRESH MATERIALIZED VIEW CONCURRENTLY ...;"},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.RefreshMatView) {
			if op.Concurrently || p.IsNew(op) {
				continue
			}
			p.ReportFinding(Finding{
				Span:    op.Span,
				Message: "REFRESH MATERIALIZED VIEW " + qname(op.Table) + " without CONCURRENTLY blocks every read of the view",
				Hint:    "use REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index)",
				Fixes:   fix("Add CONCURRENTLY", p.insertAfter(op, reRefresh, " CONCURRENTLY")),
			})
		}
	},
}

func init() {
	Register(RequireConcurrentIndexCreation, RequireConcurrentIndexDeletion, ConcurrentlyInTransaction, RequireConcurrentReindex, RefreshMatViewConcurrently)
}

var (
	reCreateIndexFull = regexp.MustCompile(`(?i)^\s*create\s+(unique\s+)?index(\s+concurrently)?`)
	reDropIndexFull   = regexp.MustCompile(`(?i)^\s*drop\s+index(\s+concurrently)?`)
	reCreateTable     = regexp.MustCompile(`(?i)^\s*create\s+((global|local)\s+)?((temp|temporary|unlogged)\s+)?table`)
	reDropTable       = regexp.MustCompile(`(?i)^\s*drop\s+table`)
)

// concurrentlyHint suggests the CONCURRENTLY form, and how to leave the
// transaction when the statement is inside one, in the framework's words
// for framework migrations.
func concurrentlyHint(form string, op *ops.Op, format migration.Format) string {
	create := strings.HasPrefix(form, "CREATE")
	switch format {
	case migration.FormatRails:
		if create {
			return "add_index ... algorithm: :concurrently, with disable_ddl_transaction! in the migration"
		}
		return "remove_index ... algorithm: :concurrently, with disable_ddl_transaction! in the migration"
	case migration.FormatDjango:
		if create {
			return "use AddIndexConcurrently in a migration with atomic = False"
		}
		return "use RemoveIndexConcurrently in a migration with atomic = False"
	case migration.FormatAlembic:
		if create {
			return "op.create_index(..., postgresql_concurrently=True) inside with op.get_context().autocommit_block():"
		}
		return "op.drop_index(..., postgresql_concurrently=True) inside with op.get_context().autocommit_block():"
	}
	if !op.InTransaction {
		return "use " + form
	}
	return "use " + form + " outside a transaction: " + noTransactionHint(format)
}
