package rules

import (
	"regexp"

	"github.com/schemagate/schemagate/internal/ops"
)

var reCreateIndex = regexp.MustCompile(`(?i)^\s*create\s+(unique\s+)?index`)

// RequireConcurrentIndexCreation flags CREATE INDEX on an existing table
// without CONCURRENTLY.
var RequireConcurrentIndexCreation = &Rule{
	Name:     "require-concurrent-index-creation",
	Severity: Warning,
	Category: Locking,
	Summary:  "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds",
	Kinds:    []ops.Kind{ops.CreateIndex},
	Doc:      `CREATE INDEX takes a SHARE lock on the table for the whole build: every INSERT, UPDATE and DELETE of the running release waits until the index is done, which on a large table means minutes of failed requests. CREATE INDEX CONCURRENTLY takes only SHARE UPDATE EXCLUSIVE, which lets reads and writes go on. It cannot run inside a transaction block, so the migration must run outside one. An index on a table created earlier in the same migration is not flagged: nobody else can see that table yet.`,
	Bad:      "CREATE INDEX index_users_on_email ON users (email);",
	Good:     "-- (outside a transaction)\nCREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);",
	Steps: []string{
		"Run the migration outside a transaction (see concurrently-in-transaction for your format's way).",
		"CREATE INDEX CONCURRENTLY IF NOT EXISTS ...;",
		"If the build fails it leaves an INVALID index: DROP INDEX CONCURRENTLY it and run the migration again.",
	},
	Op: func(p *Pass, op *ops.Op) {
		if op.Concurrently {
			return
		}
		f := Finding{
			Span:    op.Span,
			Message: "CREATE INDEX on " + qname(op.Table) + " without CONCURRENTLY blocks writes to the table until the index is built",
			Hint:    concurrentlyHint("CREATE INDEX CONCURRENTLY", op, p.Migration.Format),
			Fixes:   fix("Add CONCURRENTLY", p.insertAfter(op, reCreateIndex, " CONCURRENTLY")),
		}
		p.ReportFinding(f)
	},
}
