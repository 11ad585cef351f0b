package rules

import (
	"regexp"

	"github.com/schemagate/schemagate/internal/ops"
)

var reRefresh = regexp.MustCompile(`(?i)^\s*refresh\s+materialized\s+view`)

// RefreshMaterializedViewConcurrently flags REFRESH MATERIALIZED VIEW
// without CONCURRENTLY.
var RefreshMaterializedViewConcurrently = &Rule{
	Name:     "refresh-materialized-view-concurrently",
	Severity: Warning,
	Category: Locking,
	Summary:  "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view",
	Kinds:    []ops.Kind{ops.RefreshMatView},
	Doc:      `A plain REFRESH MATERIALIZED VIEW takes ACCESS EXCLUSIVE on the view: the running release cannot read it until the refresh is done. CONCURRENTLY (which needs a unique index on the view) takes only EXCLUSIVE and lets reads continue.`,
	Bad:      "REFRESH MATERIALIZED VIEW sales_summary;",
	Good:     "CREATE UNIQUE INDEX CONCURRENTLY ON sales_summary (day);\nREFRESH MATERIALIZED VIEW CONCURRENTLY sales_summary;",
	Steps:    []string{"Make sure the view has a unique index.", "REFRESH MATERIALIZED VIEW CONCURRENTLY ...;"},
	Op: func(p *Pass, op *ops.Op) {
		if op.Concurrently {
			return
		}
		p.ReportFinding(Finding{
			Span:    op.Span,
			Message: "REFRESH MATERIALIZED VIEW " + qname(op.Table) + " without CONCURRENTLY blocks every read of the view",
			Hint:    "use REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index)",
			Fixes:   fix("Add CONCURRENTLY", p.insertAfter(op, reRefresh, " CONCURRENTLY")),
		})
	},
}
