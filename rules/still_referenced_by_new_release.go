package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// StillReferencedByNewRelease flags pending migrations that drop or rename
// away something the release being deployed still uses.
var StillReferencedByNewRelease = &Rule{
	Name:            "still-referenced-by-new-release",
	Severity:        Error,
	Category:        Compatibility,
	NeedsReferences: true,
	CheckOnly:       true,
	Summary:         "the release being deployed still uses a column or table its own migrations drop or rename",
	Kinds:           []ops.Kind{ops.DropColumn, ops.RenameColumn, ops.DropTable, ops.RenameTable},
	Doc:             `The migration removes a column or table (or renames it away) that the code being deployed with it still references: the new release fails as soon as it starts, and the old one is already broken by the migration. Either the code change that stops using it is missing, or the migration belongs in a later release.`,
	Bad:             "-- migration: ALTER TABLE users DROP COLUMN nickname;\n-- app/models/user.rb still reads user.nickname",
	Good:            "-- release N: remove every use of nickname; release N+1: drop it",
	Steps:           []string{"Remove every use from the code first.", "Drop or rename in a later release."},
	Op: func(p *Pass, op *ops.Op) {
		var uses []Use
		what := ""
		switch op.Kind {
		case ops.DropColumn, ops.RenameColumn:
			uses = p.Compat.NewReleaseUses(op.Table, op.Column)
			what = "column " + qname(op.Table) + "." + quoteIdent(op.Column)
		default:
			uses = p.Compat.NewReleaseUses(op.Table, "")
			what = "table " + qname(op.Table)
		}
		verb := "drops"
		if op.Kind == ops.RenameColumn || op.Kind == ops.RenameTable {
			verb = "renames"
		}
		if len(uses) == 0 {
			return
		}
		p.reportUses(op, uses,
			fmt.Sprintf("this migration %s %s, but the release being deployed still uses it (%s)", verb, what, usesSummary(uses)),
			"remove those uses first, or move the migration to a later release")
	},
}
