package rules

import (
	"regexp"

	"github.com/schemagate/schemagate/internal/ops"
)

var reReindex = regexp.MustCompile(`(?i)^\s*reindex\s+(\([^)]*\)\s*)?(index|table|schema|database|system)`)

// RequireConcurrentReindex flags REINDEX without CONCURRENTLY.
var RequireConcurrentReindex = &Rule{
	Name:     "require-concurrent-reindex",
	Severity: Warning,
	Category: Locking,
	Summary:  "REINDEX without CONCURRENTLY blocks writes, and reads too",
	Kinds:    []ops.Kind{ops.Reindex},
	Doc:      `REINDEX locks the table against writes (SHARE) and takes ACCESS EXCLUSIVE on each index it rebuilds; every query on the table opens all its indexes while planning, so reads block too. PostgreSQL 12 added REINDEX CONCURRENTLY, which rebuilds without blocking.`,
	Bad:      "REINDEX INDEX index_users_on_email;",
	Good:     "REINDEX INDEX CONCURRENTLY index_users_on_email;",
	Steps:    []string{"Run REINDEX ... CONCURRENTLY outside a transaction (PostgreSQL 12+)."},
	Op: func(p *Pass, op *ops.Op) {
		if op.Concurrently {
			return
		}
		f := Finding{Span: op.Span, Message: "REINDEX without CONCURRENTLY blocks reads and writes of the table while it rebuilds"}
		if p.PGVersion >= 12 {
			f.Hint = "use REINDEX ... CONCURRENTLY outside a transaction"
			f.Fixes = fix("Add CONCURRENTLY", p.insertAfter(op, reReindex, " CONCURRENTLY"))
		} else {
			f.Hint = "REINDEX CONCURRENTLY needs PostgreSQL 12; build a new index CONCURRENTLY and drop the old one instead"
		}
		p.ReportFinding(f)
	},
}
