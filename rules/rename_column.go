package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// RenameColumn flags renaming a column the running release may still use.
var RenameColumn = &Rule{
	Name:            "rename-column",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "renaming a column breaks the running release, which still uses the old name",
	Kinds:           []ops.Kind{ops.RenameColumn},
	KnownColumns:    true,
	Doc:             `A rename is a drop of the old name as far as the running release is concerned: its queries fail with "column does not exist". Rename in steps: add the new column, deploy code that writes both and backfill, deploy code that reads the new one, drop the old one in a later release.`,
	Bad:             "ALTER TABLE users RENAME COLUMN name TO full_name;",
	Good:            "ALTER TABLE users ADD COLUMN full_name text;\n-- dual-write + backfill, switch reads, then a later release drops name",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN new_name type;",
		"Deploy code that writes both columns (or a trigger); backfill new_name.",
		"Deploy code that reads new_name only.",
		"Drop the old column in a later release.",
	},
	Op: func(p *Pass, op *ops.Op) {
		col := qname(op.Table) + "." + quoteIdent(op.Column)
		hint := fmt.Sprintf("add %s, write both and backfill, switch reads to it, then drop %s in a later release", quoteIdent(op.NewName), quoteIdent(op.Column))
		if p.Compat == nil {
			p.Reportf(op.Span, withHint(hint, p.renameHint(nil, op.Column, op.NewName))+"; "+checkHint, "renaming column %s to %s breaks the running release if it still uses the old name", col, quoteIdent(op.NewName))
			return
		}
		uses := p.Compat.ColumnUses(op.Table, op.Column)
		p.reportUses(op, uses, fmt.Sprintf("column %s is renamed to %s while the running release still uses the old name (%s)", col, quoteIdent(op.NewName), usesSummary(uses)),
			withHint(hint, p.renameHint(uses, op.Column, op.NewName)))
	},
}
