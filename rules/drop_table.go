package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// DropTable flags dropping a table, view, materialized view or sequence
// the running release may still use.
var DropTable = &Rule{
	Name:            "drop-table",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "dropping a table, view or sequence that the running release still uses breaks it",
	Kinds:           []ops.Kind{ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence},
	Doc:             `Queries and models of the running release that name the table (or view, materialized view, sequence) fail with "relation does not exist" once it is dropped. Stop using it in one release, drop it in a later one.`,
	Bad:             "DROP TABLE legacy_events;",
	Good:            "-- release N: remove every use of legacy_events\n-- release N+1:\nDROP TABLE legacy_events;",
	Steps:           []string{"Release N: remove every use of the relation.", "Deploy release N everywhere.", "Release N+1: drop it."},
	Op: func(p *Pass, op *ops.Op) {
		kind := op.Kind.DroppedRelation()
		if p.Compat == nil {
			if op.Kind != ops.DropTable {
				return // views and sequences are rarely used directly; check verifies them
			}
			p.Reportf(op.Span, checkHint, "dropping %s %s breaks the running release if it still uses it", kind, qname(op.Table))
			return
		}
		uses := p.Compat.TableUses(op.Table)
		p.reportUses(op, uses,
			fmt.Sprintf("%s %s is dropped while the running release still uses it (%s)", kind, qname(op.Table), usesSummary(uses)),
			withHint(fmt.Sprintf("first deploy a release that no longer uses %s, then drop it in a later release", qname(op.Table)), p.tableHint(op, uses)))
	},
}

// tableHint is the framework hint for dropping a table; views and
// sequences have no model to remove first.
func (p *Pass) tableHint(op *ops.Op, uses []Use) string {
	if op.Kind != ops.DropTable {
		return ""
	}
	return p.dropTableHint(uses, qname(op.Table))
}
