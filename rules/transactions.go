package rules

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

// lockTimeoutState follows SET lock_timeout through a migration: a plain
// SET lasts for the session, SET LOCAL until the transaction ends.
type lockTimeoutState struct {
	session, local bool
	localTx        int
}

func (s *lockTimeoutState) apply(op *ops.Op) {
	switch op.Kind {
	case ops.Commit, ops.Rollback:
		s.local = false
	case ops.Set:
		if op.Setting != "lock_timeout" {
			return
		}
		on := timeoutEnabled(op.Value)
		if op.Local {
			s.local, s.localTx = on, op.Tx
		} else {
			s.session = on
		}
	}
}

func (s *lockTimeoutState) set(op *ops.Op) bool {
	return s.session || (s.local && s.localTx == op.Tx && op.Tx != 0)
}

func timeoutEnabled(v string) bool {
	v = strings.TrimSpace(strings.ToLower(v))
	switch v {
	case "", "0", "0s", "0ms", "default":
		return false
	}
	return true
}

// RequireLockTimeout flags ACCESS EXCLUSIVE locks taken without a
// lock_timeout.
var RequireLockTimeout = &Rule{
	Name:     "require-lock-timeout",
	Severity: Warning,
	Category: Locking,
	Summary:  "a statement that takes ACCESS EXCLUSIVE without lock_timeout can stall every query on the table",
	Doc:      `Even an instant ALTER TABLE must first acquire ACCESS EXCLUSIVE. While it waits behind a long-running query (a report, a stuck transaction), every new query on the table of the running release queues behind it: a few seconds of waiting becomes an outage. SET lock_timeout makes the migration give up (and be retried) instead. Set it before the first statement that takes ACCESS EXCLUSIVE on an existing table; SET LOCAL applies until the end of the transaction.`,
	Bad:      "ALTER TABLE users ADD COLUMN nickname text;",
	Good:     "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
	Steps: []string{
		"SET lock_timeout = '5s'; (or SET LOCAL inside the migration's transaction)",
		"Run the statement; retry the migration if it times out.",
	},
	Run: func(p *Pass) {
		var st lockTimeoutState
		reported := map[int]bool{}
		held := map[string]bool{} // tx + table already locked: no more waiting
		for _, op := range p.Ops() {
			st.apply(op)
			if op.Kind == ops.Commit || op.Kind == ops.Rollback {
				held = map[string]bool{}
			}
			if op.Lock != ops.AccessExclusive || op.Table.Name == "" || p.IsNew(op) || reported[op.Stmt] || st.set(op) {
				continue
			}
			key := fmt.Sprint(op.Tx, op.Table.Key())
			if op.InTransaction && held[key] {
				continue // the transaction already holds the lock
			}
			held[key] = true
			if op.Kind == ops.CreateTable {
				continue
			}
			reported[op.Stmt] = true
			f := Finding{
				Span:    op.Span,
				Message: fmt.Sprintf("%s takes an ACCESS EXCLUSIVE lock on %s without a lock_timeout: while it waits, every query on the table waits too", describe(op), qname(op.Table)),
				Hint: hintIn(p.Migration.Format, "SET lock_timeout = '5s'; before it",
					"set lock_timeout for migrations (database.yml variables: { lock_timeout: '5s' }, or execute \"SET lock_timeout = '5s'\" first), then set lock-timeout-set: true in schemagate.yaml",
					"migrations.RunSQL(\"SET lock_timeout = '5s'\") first (or the connection's options), then lock-timeout-set: true in schemagate.yaml",
					"op.execute(\"SET lock_timeout = '5s'\") first (or in env.py), then lock-timeout-set: true in schemagate.yaml"),
			}
			if !p.Migration.Framework {
				at := op.Span.Start.Offset
				f.Fixes = []Fix{{Title: "Insert SET lock_timeout", Edits: []Edit{{Start: at, End: at, Text: "SET lock_timeout = '5s';\n"}}}}
			}
			p.ReportFinding(f)
		}
	},
}

// describe names an operation for messages.
func describe(op *ops.Op) string {
	switch op.Kind {
	case ops.AlterTableOther:
		return "ALTER TABLE (" + strings.ReplaceAll(op.Detail, "_", " ") + ")"
	case ops.Other:
		return op.Detail
	}
	return strings.ToUpper(strings.ReplaceAll(string(op.Kind), "-", " "))
}

// StatementAfterAccessExclusive flags slow work done while an ACCESS
// EXCLUSIVE lock from an earlier statement of the same transaction is held.
var StatementAfterAccessExclusive = &Rule{
	Name:     "statement-after-access-exclusive",
	Severity: Warning,
	Category: Locking,
	Summary:  "work done after taking ACCESS EXCLUSIVE in the same transaction keeps the table locked for all of it",
	Doc:      `Locks are held until the transaction ends. Once a statement takes ACCESS EXCLUSIVE on an existing table, everything after it in the same transaction (an index build, a backfill, a lock on a second table) runs while the running release can neither read nor write the first table. Put the ACCESS EXCLUSIVE statement last, or in a transaction of its own.`,
	Bad:      "BEGIN;\nALTER TABLE users ADD COLUMN flag boolean;\nUPDATE orders SET status = 'x' WHERE status IS NULL;\nCOMMIT;",
	Good:     "-- migration 1\nALTER TABLE users ADD COLUMN flag boolean;\n-- migration 2\nUPDATE orders SET status = 'x' WHERE status IS NULL;",
	Steps:    []string{"Split the migration: the statement that takes ACCESS EXCLUSIVE goes in a transaction of its own, or last."},
	Run: func(p *Pass) {
		held := map[int]*ops.Op{} // tx -> first op that took ACCESS EXCLUSIVE on an existing table
		reported := map[int]bool{}
		for _, op := range p.Ops() {
			if !op.InTransaction {
				continue
			}
			first := held[op.Tx]
			if first != nil && op.Stmt != first.Stmt && !reported[op.Stmt] && slowUnderLock(p, op, first) {
				reported[op.Stmt] = true
				p.Reportf(op.Span, "commit before it, or move the ACCESS EXCLUSIVE statement to the end of the transaction",
					"%s runs while the ACCESS EXCLUSIVE lock on %s taken at line %d is held, so that table stays blocked until it finishes",
					describe(op), qname(first.Table), first.Span.Start.Line)
			}
			if first == nil && op.Lock == ops.AccessExclusive && op.Table.Name != "" && !p.IsNew(op) {
				held[op.Tx] = op
			}
		}
	},
}

// slowUnderLock reports whether op does work that takes time or locks
// another existing table, as opposed to more instant catalog changes.
func slowUnderLock(p *Pass, op, first *ops.Op) bool {
	if p.IsNew(op) {
		return false
	}
	switch op.Kind {
	case ops.Set, ops.Comment, ops.Grant, ops.Commit, ops.Rollback, ops.Begin, ops.Savepoint, ops.Select:
		return false
	case ops.CreateTable:
		// A new, empty table is instant, unless filled from a query.
		return op.Detail == "as select"
	case ops.CreateView, ops.CreateSequence, ops.CreateFunction, ops.CreateEnum, ops.CreateType,
		ops.CreateDomain, ops.CreateSchema, ops.CreateExtension:
		return false
	case ops.Update, ops.Delete, ops.Insert, ops.Do:
		return true
	}
	if op.Rewrite || op.Scan {
		return true
	}
	if op.Kind == ops.CreateIndex || op.Kind == ops.Reindex || op.Kind == ops.Cluster || op.Kind == ops.Vacuum {
		return true
	}
	return op.Table.Name != "" && op.Table.Key() != first.Table.Key() && op.Lock >= ops.ShareUpdateExclusive
}

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
			var missing string
			switch op.Kind {
			case ops.CreateIndex, ops.CreateTable, ops.CreateSequence, ops.CreateSchema, ops.CreateExtension:
				if !op.IfNotExists && (op.Kind != ops.CreateIndex || op.Object.Name != "") {
					missing = "IF NOT EXISTS"
				}
			case ops.AddColumn:
				if !op.IfNotExists {
					missing = "IF NOT EXISTS"
				}
			case ops.DropIndex, ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence, ops.DropFunction, ops.DropType, ops.DropColumn, ops.DropConstraint, ops.DropSchema:
				if !op.IfExists {
					missing = "IF EXISTS"
				}
			}
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

// TransactionNesting flags BEGIN inside a transaction and COMMIT inside a
// migration the tool wraps in its own transaction.
var TransactionNesting = &Rule{
	Name:     "transaction-nesting",
	Severity: Warning,
	Category: Transaction,
	Summary:  "BEGIN/COMMIT inside a migration that already runs in a transaction",
	Doc:      `When the migration tool wraps each migration in a transaction, a BEGIN in the file only draws a warning and a COMMIT ends the tool's transaction early: the statements after it run outside any transaction, and a failure leaves the migration half applied while the tool records it as failed. Remove the explicit BEGIN/COMMIT, or opt the migration out of the tool's transaction.`,
	Bad:      "-- +goose Up\nBEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;",
	Good:     "-- +goose Up\nALTER TABLE users ADD COLUMN a int;",
	Steps:    []string{"Remove BEGIN/COMMIT from migrations the tool already wraps in a transaction."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.Begin, ops.Commit, ops.Rollback) {
			switch {
			case op.Kind == ops.Begin && op.Detail == "nested":
				why := "an earlier BEGIN is still open"
				if p.Migration.Transactional {
					why = "the migration tool already runs this migration in a transaction"
				}
				p.Reportf(op.Span, "remove the BEGIN", "BEGIN inside a transaction: %s", why)
			case op.Kind != ops.Begin && p.Migration.Transactional && op.Tx == 1:
				p.Reportf(op.Span, "remove the COMMIT and let the tool commit, or opt the migration out of the tool's transaction",
					"%s ends the transaction the migration tool opened: the statements after it run outside any transaction", strings.ToUpper(string(op.Kind)))
			}
		}
	},
}

// UnterminatedTransaction flags a BEGIN without COMMIT.
var UnterminatedTransaction = &Rule{
	Name:     "unterminated-transaction",
	Severity: Error,
	Category: Transaction,
	Summary:  "a BEGIN that is never committed",
	Doc:      `A migration that opens a transaction and never commits it either rolls back everything when the connection closes (and the tool may record it as applied), or leaves a connection idle in transaction holding its locks. End every BEGIN with COMMIT.`,
	Bad:      "BEGIN;\nALTER TABLE users ADD COLUMN a int;",
	Good:     "BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;",
	Steps:    []string{"Add COMMIT at the end of the transaction."},
	Run: func(p *Pass) {
		var open *ops.Op
		for _, op := range p.Ops(ops.Begin, ops.Commit, ops.Rollback) {
			switch {
			case op.Kind == ops.Begin && op.Detail != "nested" && (!p.Migration.Transactional || op.Tx != 1):
				open = op
			case op.Kind == ops.Commit || op.Kind == ops.Rollback:
				open = nil
			}
		}
		if open != nil {
			f := Finding{Span: open.Span, Message: "this BEGIN is never committed", Hint: "add COMMIT; at the end of the transaction"}
			if !p.Migration.Framework {
				end := len(p.Migration.File.Text)
				f.Fixes = []Fix{{Title: "Add COMMIT at the end", Edits: []Edit{{Start: end, End: end, Text: "\nCOMMIT;\n"}}}}
			}
			p.ReportFinding(f)
		}
	},
}

// EnumAddValueInTransaction flags ALTER TYPE ... ADD VALUE inside a
// transaction where PostgreSQL refuses or restricts it.
var EnumAddValueInTransaction = &Rule{
	Name:     "enum-add-value-in-transaction",
	Severity: Error,
	Category: Correctness,
	Summary:  "ALTER TYPE ... ADD VALUE inside a transaction fails before PostgreSQL 12, and the new value cannot be used in the same transaction after",
	Doc:      `Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block at all. From 12 it can, but the new value cannot be used until the transaction commits: a later statement in the same transaction that uses it fails with "unsafe use of new value".`,
	Bad:      "BEGIN;\nALTER TYPE status ADD VALUE 'archived';\nUPDATE posts SET status = 'archived' WHERE ...;\nCOMMIT;",
	Good:     "ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived';\n-- use the value in a later migration",
	Steps:    []string{"Add the enum value in its own migration (outside a transaction before PostgreSQL 12).", "Use the value in a later migration."},
	Run: func(p *Pass) {
		added := map[int][]string{} // tx -> values added in it
		for _, op := range p.Ops() {
			if op.Kind == ops.AddEnumValue && op.InTransaction {
				if p.PGVersion < 12 {
					p.Reportf(op.Span, noTransactionHint(p.Migration.Format), "ALTER TYPE %s ADD VALUE cannot run inside a transaction block before PostgreSQL 12", qname(op.Object))
					continue
				}
				added[op.Tx] = append(added[op.Tx], op.NewName)
				continue
			}
			if !op.InTransaction || len(added[op.Tx]) == 0 || p.Migration.Framework {
				continue
			}
			text := p.statementText(op)
			for _, v := range added[op.Tx] {
				if strings.Contains(text, "'"+strings.ReplaceAll(v, "'", "''")+"'") {
					p.Reportf(op.Span, "use the new value in a later migration", "the enum value '%s' is used in the same transaction that adds it, which PostgreSQL rejects (unsafe use of new value)", v)
					break
				}
			}
		}
	},
}

func init() {
	Register(RequireLockTimeout, StatementAfterAccessExclusive, PreferRobustStatements, TransactionNesting, UnterminatedTransaction, EnumAddValueInTransaction)
}
