package rules

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// checkHint is what lint says of a compatibility operation it cannot
// verify without the previous release.
const checkHint = "run `schemagate check --previous <deployed revision>` to see whether the running release still uses it"

// reportUses turns the uses of something the migration removes into one
// finding: an error when any use is certain, a warning otherwise, with up
// to five places as evidence.
func (p *Pass) reportUses(op *ops.Op, uses []Use, message, hint string) {
	if len(uses) == 0 {
		return
	}
	sev := Warning
	for _, u := range uses {
		if u.Certain {
			sev = Error
			break
		}
	}
	f := Finding{Span: op.Span, Severity: sev, Message: message, Hint: hint}
	releases := map[string]bool{}
	for i, u := range uses {
		releases[u.Release] = true
		if i < 5 {
			ev := u.Evidence
			ev.Release = u.Release
			f.Evidence = append(f.Evidence, ev)
		}
	}
	f.MoreEvidence = max(0, len(uses)-5)
	var names []string
	for r := range releases {
		if r != "" {
			names = append(names, r)
		}
	}
	if len(names) > 0 {
		sortStrings(names)
		f.Release = strings.Join(names, ", ")
	}
	p.ReportFinding(f)
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func usesSummary(uses []Use) string {
	if len(uses) == 1 {
		e := uses[0].Evidence
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%d places", len(uses))
}

// DropColumn flags dropping a column the running release may still use.
var DropColumn = &Rule{
	Name:            "drop-column",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "dropping a column that the running release still reads or writes breaks it",
	Doc:             `The release that is running while the migration applies (and the one a failed deploy rolls back to) still has queries and models that name the column: they fail with "column does not exist" the moment it is gone. ORMs that load every column (ActiveRecord, Django) break even if no query names it. Drop a column only after a release that no longer references it is deployed: remove the uses (and, for ActiveRecord, add the column to ignored_columns) in one release, drop the column in a later one.`,
	Bad:             "-- same release that removed the last use:\nALTER TABLE users DROP COLUMN legacy_score;",
	Good:            "-- release N: code stops using legacy_score (Rails: self.ignored_columns += [\"legacy_score\"])\n-- release N+1:\nALTER TABLE users DROP COLUMN legacy_score;",
	Steps: []string{
		"Release N: remove every use of the column from the code (ActiveRecord: add it to ignored_columns; Django: SeparateDatabaseAndState to remove the field from the state only).",
		"Deploy release N everywhere.",
		"Release N+1: drop the column.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.DropColumn) {
			if p.IsNew(op) {
				continue
			}
			col := qname(op.Table) + "." + quoteIdent(op.Column)
			if p.Compat == nil {
				p.Reportf(op.Span, checkHint, "dropping column %s breaks the running release if it still reads or writes it", col)
				continue
			}
			uses := p.Compat.ColumnUses(op.Table, op.Column)
			p.reportUses(op, uses,
				fmt.Sprintf("column %s is dropped while the running release still uses it (%s)", col, usesSummary(uses)),
				fmt.Sprintf("first deploy a release that no longer uses %s (Rails: ignored_columns += [%q]), then drop it in a later release", col, op.Column))
		}
	},
}

// DropTable flags dropping a table the running release may still use.
var DropTable = &Rule{
	Name:            "drop-table",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "dropping a table that the running release still uses breaks it",
	Doc:             `Queries and models of the running release that name the table fail with "relation does not exist" once it is dropped. Stop using the table in one release, drop it in a later one.`,
	Bad:             "DROP TABLE legacy_events;",
	Good:            "-- release N: remove every use of legacy_events\n-- release N+1:\nDROP TABLE legacy_events;",
	Steps:           []string{"Release N: remove every use of the table.", "Deploy release N everywhere.", "Release N+1: drop the table."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.DropTable) {
			if p.IsNew(op) {
				continue
			}
			if p.Compat == nil {
				p.Reportf(op.Span, checkHint, "dropping table %s breaks the running release if it still uses it", qname(op.Table))
				continue
			}
			uses := p.Compat.TableUses(op.Table)
			p.reportUses(op, uses,
				fmt.Sprintf("table %s is dropped while the running release still uses it (%s)", qname(op.Table), usesSummary(uses)),
				fmt.Sprintf("first deploy a release that no longer uses %s, then drop it in a later release", qname(op.Table)))
		}
	},
}

// RenameColumn flags renaming a column the running release may still use.
var RenameColumn = &Rule{
	Name:            "rename-column",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "renaming a column breaks the running release, which still uses the old name",
	Doc:             `A rename is a drop of the old name as far as the running release is concerned: its queries fail with "column does not exist". Rename in steps: add the new column, deploy code that writes both and backfill, deploy code that reads the new one, drop the old one in a later release.`,
	Bad:             "ALTER TABLE users RENAME COLUMN name TO full_name;",
	Good:            "ALTER TABLE users ADD COLUMN full_name text;\n-- dual-write + backfill, switch reads, then a later release drops name",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN new_name type;",
		"Deploy code that writes both columns (or a trigger); backfill new_name.",
		"Deploy code that reads new_name only.",
		"Drop the old column in a later release.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.RenameColumn) {
			if p.IsNew(op) {
				continue
			}
			col := qname(op.Table) + "." + quoteIdent(op.Column)
			hint := fmt.Sprintf("add %s, write both and backfill, switch reads to it, then drop %s in a later release", quoteIdent(op.NewName), quoteIdent(op.Column))
			if p.Compat == nil {
				p.Reportf(op.Span, hint+"; "+checkHint, "renaming column %s to %s breaks the running release if it still uses the old name", col, quoteIdent(op.NewName))
				continue
			}
			uses := p.Compat.ColumnUses(op.Table, op.Column)
			p.reportUses(op, uses, fmt.Sprintf("column %s is renamed to %s while the running release still uses the old name (%s)", col, quoteIdent(op.NewName), usesSummary(uses)), hint)
		}
	},
}

// RenameTable flags renaming (or moving to another schema) a table the
// running release may still use.
var RenameTable = &Rule{
	Name:            "rename-table",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "renaming a table (or moving it to another schema) breaks the running release",
	Doc:             `The running release names the table by its old name (and schema): after RENAME or SET SCHEMA its queries fail with "relation does not exist". Rename in steps: create the new table (or a view with the new name over the old table), deploy code that uses the new name, then drop or rename the old one in a later release.`,
	Bad:             "ALTER TABLE customers RENAME TO clients;",
	Good:            "CREATE VIEW clients AS SELECT * FROM customers;\n-- deploy code that uses clients; later: swap the view and table",
	Steps: []string{
		"Create the new name alongside the old (a new table with dual writes, or an updatable view).",
		"Deploy code that uses the new name.",
		"Remove the old name in a later release.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.RenameTable, ops.SetSchema) {
			if op.Table.Name == "" || p.IsNew(op) {
				continue
			}
			what := fmt.Sprintf("renaming table %s to %s", qname(op.Table), quoteIdent(op.NewName))
			if op.Kind == ops.SetSchema {
				what = fmt.Sprintf("moving %s to schema %s", qname(op.Table), quoteIdent(op.NewSchema))
			}
			hint := "create the new name alongside the old one (a view over it), move the code over, remove the old name in a later release"
			if p.Compat == nil {
				p.Reportf(op.Span, hint+"; "+checkHint, "%s breaks the running release if it still uses the old name", what)
				continue
			}
			uses := p.Compat.TableUses(op.Table)
			p.reportUses(op, uses, fmt.Sprintf("%s breaks the running release, which still uses it (%s)", what, usesSummary(uses)), hint)
		}
	},
}

func init() {
	Register(DropColumn, DropTable, RenameColumn, RenameTable)
}
