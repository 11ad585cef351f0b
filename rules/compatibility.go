package rules

import (
	"fmt"
	"sort"
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
		sort.Strings(names)
		f.Release = strings.Join(names, ", ")
	}
	p.ReportFinding(f)
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
			msg := fmt.Sprintf("column %s is dropped while the running release still uses it (%s)", col, usesSummary(uses))
			if len(uses) > 0 && len(p.Compat.NewReleaseUses(op.Table, op.Column)) == 0 {
				msg += "; this change also removes the last use, so the drop must wait for a later deploy"
			}
			p.reportUses(op, uses, msg,
				fmt.Sprintf("ship the code change now and drop %s in a later release, once no running release uses it (Rails: self.ignored_columns += [%q] first)", col, op.Column))
		}
	},
}

// DropTable flags dropping a table, view, materialized view or sequence
// the running release may still use.
var DropTable = &Rule{
	Name:            "drop-table",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "dropping a table, view or sequence that the running release still uses breaks it",
	Doc:             `Queries and models of the running release that name the table (or view, materialized view, sequence) fail with "relation does not exist" once it is dropped. Stop using it in one release, drop it in a later one.`,
	Bad:             "DROP TABLE legacy_events;",
	Good:            "-- release N: remove every use of legacy_events\n-- release N+1:\nDROP TABLE legacy_events;",
	Steps:           []string{"Release N: remove every use of the relation.", "Deploy release N everywhere.", "Release N+1: drop it."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence) {
			if p.IsNew(op) {
				continue
			}
			kind := relationWord(op.Kind)
			if p.Compat == nil {
				if op.Kind != ops.DropTable {
					continue // views and sequences are rarely used directly; check verifies them
				}
				p.Reportf(op.Span, checkHint, "dropping %s %s breaks the running release if it still uses it", kind, qname(op.Table))
				continue
			}
			uses := p.Compat.TableUses(op.Table)
			p.reportUses(op, uses,
				fmt.Sprintf("%s %s is dropped while the running release still uses it (%s)", kind, qname(op.Table), usesSummary(uses)),
				fmt.Sprintf("first deploy a release that no longer uses %s, then drop it in a later release", qname(op.Table)))
		}
	},
}

func relationWord(k ops.Kind) string {
	switch k {
	case ops.DropView:
		return "view"
	case ops.DropMatView:
		return "materialized view"
	case ops.DropSequence:
		return "sequence"
	}
	return "table"
}

// DropFunction flags dropping a function or type the running release
// still calls or uses.
var DropFunction = &Rule{
	Name:            "drop-function",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "dropping a function or type that the running release still uses breaks it",
	Doc:             `SQL of the running release that calls the function (or casts to the type) fails with "function does not exist" once it is dropped. Stop using it first, drop it in a later release.`,
	Bad:             "DROP FUNCTION normalize_email(text);",
	Good:            "-- release N: stop calling normalize_email\n-- release N+1:\nDROP FUNCTION normalize_email(text);",
	Steps:           []string{"Release N: remove every call.", "Release N+1: drop the function or type."},
	Run: func(p *Pass) {
		if p.Compat == nil {
			return
		}
		for _, op := range p.Ops(ops.DropFunction, ops.DropType, ops.DropDomain) {
			uses := p.Compat.ObjectUses(op.Kind, op.Object)
			word := "function"
			if op.Kind != ops.DropFunction {
				word = "type"
			}
			p.reportUses(op, uses,
				fmt.Sprintf("%s %s is dropped while the running release still uses it (%s)", word, qname(op.Object), usesSummary(uses)),
				"first deploy a release that no longer uses it, then drop it in a later release")
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
	Register(DropColumn, DropTable, DropFunction, RenameColumn, RenameTable)
}

// StillReferencedByNewRelease flags pending migrations that drop or rename
// away something the release being deployed still uses.
var StillReferencedByNewRelease = &Rule{
	Name:            "still-referenced-by-new-release",
	Severity:        Error,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "the release being deployed still uses a column or table its own migrations drop or rename",
	Doc:             `The migration removes a column or table (or renames it away) that the code being deployed with it still references: the new release fails as soon as it starts, and the old one is already broken by the migration. Either the code change that stops using it is missing, or the migration belongs in a later release.`,
	Bad:             "-- migration: ALTER TABLE users DROP COLUMN nickname;\n-- app/models/user.rb still reads user.nickname",
	Good:            "-- release N: remove every use of nickname; release N+1: drop it",
	Steps:           []string{"Remove every use from the code first.", "Drop or rename in a later release."},
	Run: func(p *Pass) {
		if p.Compat == nil {
			return
		}
		for _, op := range p.Ops(ops.DropColumn, ops.RenameColumn, ops.DropTable, ops.RenameTable) {
			if p.IsNew(op) {
				continue
			}
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
				continue
			}
			p.reportUses(op, uses,
				fmt.Sprintf("this migration %s %s, but the release being deployed still uses it (%s)", verb, what, usesSummary(uses)),
				"remove those uses first, or move the migration to a later release")
		}
	},
}

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

// NotNullBreaksInserts flags SET NOT NULL and DROP DEFAULT on columns the
// running release's INSERTs leave out.
var NotNullBreaksInserts = &Rule{
	Name:            "not-null-breaks-inserts",
	Severity:        Error,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "a NOT NULL column without a default that the running release's INSERTs leave out",
	Doc:             `The running release inserts rows without setting this column. Once the column is NOT NULL and has no default (SET NOT NULL, DROP DEFAULT on a NOT NULL column, or a NOT NULL column added without a default), each of those INSERTs fails with "null value in column violates not-null constraint". Keep a default until every running release writes the column, or add NOT NULL a release later.`,
	Bad:             "ALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL; -- the running release inserts users without tenant_id",
	Good:            "-- release N writes tenant_id on every insert; release N+1:\nALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL;",
	Steps:           []string{"Deploy code that sets the column on every INSERT.", "Backfill existing rows.", "Add NOT NULL (or drop the default) in a later release."},
	Run: func(p *Pass) {
		if p.Compat == nil {
			return
		}
		for _, op := range p.Ops(ops.SetNotNull, ops.DropDefault, ops.AddColumn) {
			if p.IsNew(op) {
				continue
			}
			column := op.Column
			switch op.Kind {
			case ops.AddColumn:
				c := op.ColumnDef
				if c == nil || !c.NotNull || (c.Default != nil && !c.Default.Null) || c.Serial || c.Identity || c.Generated {
					continue
				}
				column = c.Name
			case ops.DropDefault:
				if !notNullAfter(p, op) {
					continue
				}
			}
			uses := p.Compat.Inserters(op.Table, column)
			col := qname(op.Table) + "." + quoteIdent(column)
			p.reportUses(op, uses,
				fmt.Sprintf("%s makes %s required, but the running release inserts into %s without it (%s)", describe(op), col, qname(op.Table), usesSummary(uses)),
				"keep a default, or wait until every running release writes the column")
		}
	},
}

// notNullAfter reports whether the column of a DROP DEFAULT is NOT NULL.
func notNullAfter(p *Pass, op *ops.Op) bool {
	for _, o := range p.Ops(ops.SetNotNull, ops.AddColumn) {
		if o.Table.Key() == op.Table.Key() && (o.Column == op.Column || (o.ColumnDef != nil && o.ColumnDef.Name == op.Column && o.ColumnDef.NotNull)) {
			return true
		}
	}
	return p.Schema != nil && p.Schema.HasValidNotNullCheck(op.Table, op.Column)
}

// ConstraintMayRejectWrites flags constraints added to tables the running
// release writes.
var ConstraintMayRejectWrites = &Rule{
	Name:            "constraint-may-reject-writes",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	Summary:         "a new constraint on a table the running release writes may reject its writes",
	Doc:             `A new UNIQUE, CHECK, FOREIGN KEY or EXCLUSION constraint applies to the running release's INSERTs and UPDATEs at once. If that code can write values the constraint forbids (duplicates, orphans, out-of-range values), its requests start failing. Make sure the running release already writes only valid values (validate in the application first), then add the constraint.`,
	Bad:             "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key; -- the running release does not check for duplicates",
	Good:            "-- release N validates uniqueness in the app; release N+1 adds the constraint",
	Steps:           []string{"Deploy code that only writes valid values.", "Clean up existing rows.", "Add the constraint (NOT VALID, then VALIDATE) in a later release."},
	Run: func(p *Pass) {
		if p.Compat == nil {
			return
		}
		for _, op := range p.Ops(ops.AddConstraint) {
			k := op.Constraint
			if k == nil || p.IsNew(op) || k.Type == ops.PrimaryKey || k.Type == ops.NotNull {
				continue
			}
			var uses []Use
			seen := map[string]bool{}
			cols := k.Columns
			if len(cols) == 0 && k.NotNullColumn != "" {
				cols = []string{k.NotNullColumn}
			}
			for _, c := range cols {
				for _, u := range p.Compat.ColumnUses(op.Table, c) {
					if !u.Insert && u.Usage != "update" {
						continue
					}
					key := fmt.Sprintf("%s:%s:%d", u.Release, u.Evidence.File, u.Evidence.Line)
					if !seen[key] {
						seen[key] = true
						u.Certain = false
						uses = append(uses, u)
					}
				}
			}
			if len(cols) == 0 {
				for _, u := range p.Compat.Inserters(op.Table, "") {
					u.Certain = false
					uses = append(uses, u)
				}
			}
			p.reportUses(op, uses,
				fmt.Sprintf("the new %s constraint on %s applies to the running release's writes at once (%s)", k.Type, qname(op.Table), usesSummary(uses)),
				"make sure the running release only writes values the constraint accepts")
		}
	},
}

func init() {
	Register(StillReferencedByNewRelease, IncompatibleColumnType, NotNullBreaksInserts, ConstraintMayRejectWrites)
}
