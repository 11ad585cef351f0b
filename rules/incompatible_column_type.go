package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// IncompatibleColumnType flags type changes of columns the running release
// reads or writes.
var IncompatibleColumnType = &Rule{
	Name:            "incompatible-column-type",
	Severity:        Error,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "changing the type of a column the running release reads or writes",
	Doc:             `The running release was written for the old type: its reads may now get values it cannot decode (integer to text, text to jsonb), and its writes may be rejected (text to integer, a narrower varchar). Binary-compatible widenings (varchar(n) to text or a larger varchar) are reported as warnings: the client sees the same values, but the running release may still enforce the old limit. Change types with a new column instead.`,
	Bad:             "ALTER TABLE orders ALTER COLUMN reference TYPE integer USING reference::integer;",
	Good:            "ALTER TABLE orders ADD COLUMN reference_number integer;\n-- dual-write, backfill, switch reads, drop the old column later",
	Steps: []string{
		"Add a column of the new type.",
		"Deploy code that writes both and backfill.",
		"Deploy code that reads the new column.",
		"Drop the old column in a later release.",
	},
	Run: func(p *Pass) {
		if p.Compat == nil {
			return
		}
		for _, op := range p.Ops(ops.AlterColumnType) {
			if p.IsNew(op) || op.Type == nil {
				continue
			}
			uses := p.Compat.ColumnUses(op.Table, op.Column)
			if len(uses) == 0 {
				continue
			}
			col := qname(op.Table) + "." + quoteIdent(op.Column)
			compatible := false
			from := op.Detail
			if p.Schema != nil {
				if old, ok := p.Schema.ColumnType(op.Table, op.Column); ok {
					compatible = ops.BinaryCompatible(old, *op.Type)
					from = "from " + old.String()
				}
			}
			if compatible {
				for i := range uses {
					uses[i].Certain = false
				}
			}
			if from != "" {
				from = " " + from
			}
			p.reportUses(op, uses,
				fmt.Sprintf("column %s changes type%s to %s while the running release reads or writes it (%s)", col, from, op.Type, usesSummary(uses)),
				"add a new column of the new type, dual-write and backfill, switch reads, drop the old one in a later release")
		}
	},
}
