package rules

import (
	"fmt"
	"slices"

	"github.com/schemagate/schemagate/internal/ops"
)

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
				if !notNullAfter(p, op) || temporaryDefault(p, op) {
					continue
				}
			}
			uses := p.Compat.Inserters(op.Table, column)
			if op.Kind == ops.SetNotNull && defaultedAfter(p, op) {
				// An INSERT that leaves the column out gets the default.
				uses = slices.DeleteFunc(uses, func(u Use) bool { return !u.WritesNull })
			}
			col := qname(op.Table) + "." + quoteIdent(column)
			p.reportUses(op, uses,
				fmt.Sprintf("%s makes %s required, but the running release can insert into %s without a value in it (%s)", describe(op), col, qname(op.Table), insertSummary(uses)),
				"keep a default, or wait until every running release writes the column")
		}
	},
}

// insertSummary names the place that decides, and why, for one writer;
// the count and the first for several.
func insertSummary(uses []Use) string {
	if len(uses) == 0 {
		return ""
	}
	e := uses[0].Evidence
	first := fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Kind)
	if len(uses) == 1 {
		return first
	}
	return fmt.Sprintf("%d places; first %s", len(uses), first)
}

// defaultedAfter reports whether the column of a SET NOT NULL has a
// default once the migration has run: one it had before that the
// migration does not drop, or one the migration sets.
func defaultedAfter(p *Pass, op *ops.Op) bool {
	has := p.Schema != nil && p.Schema.HasDefault(op.Table, op.Column)
	for _, o := range p.Ops(ops.SetDefault, ops.DropDefault) {
		if o.Table.Key() != op.Table.Key() || o.Column != op.Column {
			continue
		}
		has = o.Kind == ops.SetDefault && (o.Default == nil || !o.Default.Null)
	}
	return has
}

// temporaryDefault reports a DROP DEFAULT that removes a default the same
// migration set earlier (Django's AlterField backfills NULLs through a
// temporary default): the column ends without a default as the running
// release knew it, and the SET NOT NULL is what it has to answer for.
func temporaryDefault(p *Pass, op *ops.Op) bool {
	for _, o := range p.Ops(ops.SetDefault, ops.DropDefault) {
		if o == op {
			return false
		}
		if o.Kind == ops.SetDefault && o.Table.Key() == op.Table.Key() && o.Column == op.Column {
			return true
		}
	}
	return false
}

// notNullAfter reports whether the column of a DROP DEFAULT is NOT NULL.
func notNullAfter(p *Pass, op *ops.Op) bool {
	for _, o := range p.Ops(ops.SetNotNull, ops.AddColumn) {
		if o.Table.Key() != op.Table.Key() {
			continue
		}
		switch {
		case o.Kind == ops.SetNotNull && o.Column == op.Column:
			return true
		case o.Kind == ops.AddColumn && o.ColumnDef != nil && o.ColumnDef.Name == op.Column:
			// A column this migration adds is NOT NULL only if it says so
			// (Django's AddField(null=True, default=...) drops the
			// backfill default of a nullable column).
			return o.ColumnDef.NotNull
		}
	}
	return p.Schema != nil && p.Schema.HasValidNotNullCheck(op.Table, op.Column)
}
