package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// DropColumn flags dropping a column the running release may still use.
var DropColumn = &Rule{
	Name:            "drop-column",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "dropping a column that the running release still reads or writes breaks it",
	Kinds:           []ops.Kind{ops.DropColumn},
	KnownColumns:    true,
	Doc:             `The release that is running while the migration applies (and the one a failed deploy rolls back to) still has queries and models that name the column: they fail with "column does not exist" the moment it is gone. ORMs that load every column (ActiveRecord, Django) break even if no query names it. Drop a column only after a release that no longer references it is deployed: remove the uses (and, for ActiveRecord, add the column to ignored_columns) in one release, drop the column in a later one.`,
	Bad:             "-- same release that removed the last use:\nALTER TABLE users DROP COLUMN legacy_score;",
	Good:            "-- release N: code stops using legacy_score (Rails: self.ignored_columns += [\"legacy_score\"])\n-- release N+1:\nALTER TABLE users DROP COLUMN legacy_score;",
	Steps: []string{
		"Release N: remove every use of the column from the code (ActiveRecord: add it to ignored_columns; Django: SeparateDatabaseAndState to remove the field from the state only).",
		"Deploy release N everywhere.",
		"Release N+1: drop the column.",
	},
	Op: func(p *Pass, op *ops.Op) {
		col := qname(op.Table) + "." + quoteIdent(op.Column)
		if p.Compat == nil {
			p.Reportf(op.Span, checkHint, "dropping column %s breaks the running release if it still reads or writes it", col)
			return
		}
		uses := p.Compat.ColumnUses(op.Table, op.Column)
		msg := fmt.Sprintf("column %s is dropped while the running release still uses it (%s)", col, usesSummary(uses))
		if lastUseRemoved(uses) && len(p.Compat.NewReleaseUses(op.Table, op.Column)) == 0 {
			msg += "; this change also removes the last use, so the drop must wait for a later deploy"
		}
		hint := withHint(fmt.Sprintf("ship the code change now and drop %s in a later release, once no running release uses it", col), p.stagingHint(uses, op.Column))
		p.reportUses(op, uses, msg, hint)
	},
}

// lastUseRemoved reports whether the running release names the column
// somewhere (so that a new release naming it nowhere removed a use); a
// model that merely loads every column of its table is no use removed,
// nor is record.col matched by name only.
func lastUseRemoved(uses []Use) bool {
	for _, u := range uses {
		if u.NamesColumn() && !u.ByName {
			return true
		}
	}
	return false
}
