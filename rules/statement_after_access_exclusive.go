package rules

import (
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// StatementAfterAccessExclusive flags slow work done while an ACCESS
// EXCLUSIVE lock from an earlier statement of the same transaction is held.
var StatementAfterAccessExclusive = &Rule{
	Name:     "statement-after-access-exclusive",
	Severity: Warning,
	Category: Locking,
	Summary:  "work done after taking ACCESS EXCLUSIVE in the same transaction keeps the table locked for all of it",
	Doc:      `Locks are held until the transaction ends. Once a statement takes ACCESS EXCLUSIVE on an existing table, everything after it in the same transaction (an index build, a backfill, a lock on a second table) runs while the running release can neither read nor write the first table. Put the ACCESS EXCLUSIVE statement last, or in a transaction of its own. A table the transaction drops is not counted: queries of it fail once it is gone, which drop-table is about. Nor are the statements one call of a framework migration sends together (Rails' change_column with null: false, Django's AddField with db_index): the call cannot be split, and its slow part has a rule of its own.`,
	Bad:      "BEGIN;\nALTER TABLE users ADD COLUMN flag boolean;\nUPDATE orders SET status = 'x' WHERE status IS NULL;\nCOMMIT;",
	Good:     "-- migration 1\nALTER TABLE users ADD COLUMN flag boolean;\n-- migration 2\nUPDATE orders SET status = 'x' WHERE status IS NULL;",
	Steps:    []string{"Split the migration: the statement that takes ACCESS EXCLUSIVE goes in a transaction of its own, or last."},
	Run: func(p *Pass) {
		// One finding per lock: the statements after it are all
		// consequences of the one statement that took it, so they are
		// reported together, with the span of the whole run (a data
		// migration of thousands of statements after one ALTER TABLE is
		// one finding, not thousands).
		type run struct {
			first, last *ops.Op
			n           int
		}
		held := map[int]*ops.Op{} // tx -> first op that took ACCESS EXCLUSIVE on an existing table
		runs := map[int]*run{}
		var order []int
		counted := map[int]bool{}
		for _, op := range p.Ops() {
			if !op.InTransaction {
				continue
			}
			first := held[op.Tx]
			if first != nil && op.Stmt != first.Stmt && !sameCall(p, op, first) && !counted[op.Stmt] && slowUnderLock(p, op, first) {
				counted[op.Stmt] = true
				r := runs[op.Tx]
				if r == nil {
					r = &run{first: op}
					runs[op.Tx] = r
					order = append(order, op.Tx)
				}
				r.last = op
				r.n++
			}
			switch {
			case first != nil && drops(op) && op.Table.Key() == first.Table.Key():
				// The table is gone: no query of the running release waits
				// for it any more, they fail (drop-table's concern).
				delete(held, op.Tx)
			case first == nil && op.Lock == ops.AccessExclusive && op.Table.Name != "" && !p.IsNew(op) && !drops(op):
				held[op.Tx] = op
			}
		}
		for _, tx := range order {
			r, lock := runs[tx], held[tx]
			if r.n == 1 {
				p.Reportf(r.first.Span, "commit before it, or move the ACCESS EXCLUSIVE statement to the end of the transaction",
					"%s runs while the ACCESS EXCLUSIVE lock on %s taken at line %d is held, so that table stays blocked until it finishes",
					describe(r.first), qname(lock.Table), lock.Span.Start.Line)
				continue
			}
			more := "statement"
			if r.n > 2 {
				more = "statements"
			}
			p.Reportf(source.Span{Start: r.first.Span.Start, End: r.last.Span.End}, "commit before them, or move the ACCESS EXCLUSIVE statement to the end of the transaction",
				"%s and %d more %s (to line %d) run while the ACCESS EXCLUSIVE lock on %s taken at line %d is held, so that table stays blocked until they finish",
				describe(r.first), r.n-1, more, r.last.Span.Start.Line, qname(lock.Table), lock.Span.Start.Line)
		}
	},
}

// sameCall reports whether op and first come from one call of a framework
// migration (the statements ActiveRecord sends for one change_column).
func sameCall(p *Pass, op, first *ops.Op) bool {
	return p.Migration.Framework && op.Span.Start.Offset == first.Span.Start.Offset
}

// drops reports whether op drops the table it names.
func drops(op *ops.Op) bool {
	switch op.Kind {
	case ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence:
		return true
	}
	return false
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
