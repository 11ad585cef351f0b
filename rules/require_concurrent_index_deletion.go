package rules

import (
	"regexp"

	"github.com/schemagate/schemagate/internal/ops"
)

var reDropIndex = regexp.MustCompile(`(?i)^\s*drop\s+index`)

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
		// Tables the migration drops from here on: dropping an index first
		// (Rails' remove_index before drop_table) locks nothing that stays.
		droppedLater := map[string]int{}
		for _, op := range p.Ops(ops.DropTable) {
			droppedLater[op.Table.Key()]++
		}
		for _, op := range p.Ops(ops.CreateIndex, ops.DropIndex, ops.DropTable) {
			switch op.Kind {
			case ops.DropTable:
				droppedLater[op.Table.Key()]--
				continue
			case ops.CreateIndex:
				created[op.Object.Name] = true
				continue
			}
			if op.Concurrently || created[op.Object.Name] {
				continue
			}
			if p.Schema != nil {
				t, ok := p.Schema.IndexTable(op.Object)
				if ok && (!p.Schema.TableExisted(t) || droppedLater[t.Key()] > 0) {
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
