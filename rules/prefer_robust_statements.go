package rules

import (
	"fmt"
	"regexp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

var (
	reCreateIndexFull = regexp.MustCompile(`(?i)^\s*create\s+(unique\s+)?index(\s+concurrently)?`)
	reDropIndexFull   = regexp.MustCompile(`(?i)^\s*drop\s+index(\s+concurrently)?`)
	reCreateTable     = regexp.MustCompile(`(?i)^\s*create\s+((global|local)\s+)?((temp|temporary|unlogged)\s+)?table`)
	reDropTable       = regexp.MustCompile(`(?i)^\s*drop\s+table`)
)

// PreferRobustStatements flags non-idempotent DDL in migrations that run
// outside a transaction and so can stop half way.
var PreferRobustStatements = &Rule{
	Name:     "prefer-robust-statements",
	Severity: Warning,
	Category: Reliability,
	Summary:  "a migration outside a transaction can fail half way; its statements must be safe to run again",
	Doc:      `Outside a transaction, each statement commits on its own. If the migration fails at statement 3, statements 1 and 2 stay applied, and the retry fails at statement 1 with "already exists". A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind with the same effect. Write IF NOT EXISTS / IF EXISTS so the retry can run from the top.`,
	Bad:      "-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY index_users_on_email ON users (email);",
	Good:     "-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);",
	Steps:    []string{"Add IF NOT EXISTS to CREATE statements and ADD COLUMN.", "Add IF EXISTS to DROP statements and DROP COLUMN."},
	Run: func(p *Pass) {
		// Plain SQL files run statement by statement by nature; there only
		// CONCURRENTLY index builds, which leave an INVALID index behind
		// when they fail, are flagged. A migration that opted out of its
		// tool's transaction is flagged whole once it has several
		// statements.
		stmts := map[int]bool{}
		for _, op := range p.Ops() {
			stmts[op.Stmt] = true
		}
		optedOut := len(stmts) > 1 && p.Migration.Format.Tool().Transaction != migration.TxNone && !p.Migration.Transactional
		for _, op := range p.Ops() {
			if op.InTransaction {
				continue
			}
			concurrentIndex := (op.Kind == ops.CreateIndex || op.Kind == ops.DropIndex) && op.Concurrently
			if !optedOut && !concurrentIndex {
				continue
			}
			missing := MissingGuard(op)
			if missing == "" {
				continue
			}
			f := Finding{
				Span:    op.Span,
				Message: fmt.Sprintf("%s without %s runs outside a transaction: if the migration fails after it, the retry fails here", describe(op), missing),
				Hint: hintIn(p.Migration.Format, "add "+missing,
					"pass if_not_exists: true / if_exists: true (Rails 6.1+)", "", "pass if_not_exists=True / if_exists=True (Alembic 1.12+)"),
			}
			switch op.Kind {
			case ops.CreateIndex:
				f.Fixes = fix("Add IF NOT EXISTS", p.insertAfter(op, reCreateIndexFull, " IF NOT EXISTS"))
			case ops.DropIndex:
				f.Fixes = fix("Add IF EXISTS", p.insertAfter(op, reDropIndexFull, " IF EXISTS"))
			case ops.CreateTable:
				f.Fixes = fix("Add IF NOT EXISTS", p.insertAfter(op, reCreateTable, " IF NOT EXISTS"))
			case ops.DropTable:
				f.Fixes = fix("Add IF EXISTS", p.insertAfter(op, reDropTable, " IF EXISTS"))
			}
			p.ReportFinding(f)
		}
	},
}

// MissingGuard is the clause (IF NOT EXISTS, IF EXISTS) that would make
// op safe to run again after a failure half way, or "" when it is safe
// already or has none. Editors ask it before they take a migration out of
// its transaction.
func MissingGuard(op *ops.Op) string {
	switch op.Kind {
	case ops.CreateIndex, ops.CreateTable, ops.CreateSequence, ops.CreateSchema, ops.CreateExtension:
		if !op.IfNotExists && (op.Kind != ops.CreateIndex || op.Object.Name != "") {
			return "IF NOT EXISTS"
		}
	case ops.AddColumn:
		if !op.IfNotExists {
			return "IF NOT EXISTS"
		}
	case ops.DropIndex, ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence, ops.DropFunction, ops.DropType, ops.DropColumn, ops.DropConstraint, ops.DropSchema:
		if !op.IfExists {
			return "IF EXISTS"
		}
	}
	return ""
}
