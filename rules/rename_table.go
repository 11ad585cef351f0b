package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// RenameTable flags renaming (or moving to another schema) a table the
// running release may still use.
var RenameTable = &Rule{
	Name:            "rename-table",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "renaming a table (or moving it to another schema) breaks the running release",
	Kinds:           []ops.Kind{ops.RenameTable, ops.SetSchema},
	Doc:             `The running release names the table by its old name (and schema): after RENAME or SET SCHEMA its queries fail with "relation does not exist". Rename in steps: create the new table (or a view with the new name over the old table), deploy code that uses the new name, then drop or rename the old one in a later release.`,
	Bad:             "ALTER TABLE customers RENAME TO clients;",
	Good:            "CREATE VIEW clients AS SELECT * FROM customers;\n-- deploy code that uses clients; later: swap the view and table",
	Steps: []string{
		"Create the new name alongside the old (a new table with dual writes, or an updatable view).",
		"Deploy code that uses the new name.",
		"Remove the old name in a later release.",
	},
	Op: func(p *Pass, op *ops.Op) {
		if op.Table.Name == "" {
			return
		}
		what := fmt.Sprintf("renaming table %s to %s", qname(op.Table), quoteIdent(op.NewName))
		if op.Kind == ops.SetSchema {
			what = fmt.Sprintf("moving %s to schema %s", qname(op.Table), quoteIdent(op.NewSchema))
		}
		hint := "create the new name alongside the old one (a view over it), move the code over, remove the old name in a later release"
		if p.Compat == nil {
			p.Reportf(op.Span, hint+"; "+checkHint, "%s breaks the running release if it still uses the old name", what)
			return
		}
		uses := p.Compat.TableUses(op.Table)
		p.reportUses(op, uses, fmt.Sprintf("%s breaks the running release, which still uses it (%s)", what, usesSummary(uses)), hint)
	},
}
