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
	CheckOnly:       true,
	Summary:         "a NOT NULL column without a default that the running release's INSERTs leave out",
	Kinds:           []ops.Kind{ops.SetNotNull, ops.DropDefault, ops.AddColumn, ops.AddConstraint},
	Doc: `The running release inserts rows without setting this column. Once the column is NOT NULL and has no default (SET NOT NULL, DROP DEFAULT on a NOT NULL column, a NOT NULL column added without a default, or a CHECK (col IS NOT NULL), which applies to new rows at once even when NOT VALID), each of those INSERTs fails with "null value in column violates not-null constraint" (or "violates check constraint"). Keep a default until every running release writes the column, or add NOT NULL a release later.

check decides from the previous release's code, and names the line that decides: a raw INSERT that leaves the column out; an ORM model that does not map it; or a model that maps it but may leave it NULL: a Django field with null=True and no default; a SQLAlchemy Column() without nullable=False, a default or primary_key (or an Optional Mapped[...] annotation, or nullable=True); a Prisma optional field (Type?) without @default; a Rails model with no presence validation, attribute default, callback that assigns it, or required belongs_to for it. A model that always writes the column is no finding: a Django field that is not null=True or has a default, db_default or auto_now; a SQLAlchemy nullable=False column, a non-Optional Mapped[X], a default=, server_default=, Identity() or primary key; a required Prisma field or one with @default, @updatedAt or @id; a Rails presence validation (of the column or of its belongs_to association), an attribute default, a before_validation/before_save/before_create callback that assigns it, or a belongs_to that is required (the default since Rails 5: config.load_defaults 5.0 or later and no belongs_to_required_by_default = false in config/application.rb, an initializer or the model's base class; not optional: true or required: false), which covers the foreign key and, for polymorphic: true, the _type column. SQLAlchemy and Prisma leave an unset column out of the INSERT, so a default the column keeps or gets fills it; Django and a Rails model write NULL. A SET NOT NULL on a column a CHECK (col IS NOT NULL) already guards breaks nothing new: the finding is at the CHECK.`,
	Bad:   "ALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL; -- the running release inserts users without tenant_id",
	Good:  "-- release N writes tenant_id on every insert; release N+1:\nALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL;",
	Steps: []string{"Deploy code that sets the column on every INSERT.", "Backfill existing rows.", "Add NOT NULL (or drop the default) in a later release."},
	Op: func(p *Pass, op *ops.Op) {
		column, what := op.Column, describe(op)
		switch op.Kind {
		case ops.AddColumn:
			c := op.ColumnDef
			if c == nil || !c.NotNull || (c.Default != nil && !c.Default.Null) || c.Serial || c.Identity || c.Generated {
				return
			}
			column = c.Name
		case ops.DropDefault:
			if !notNullAfter(p, op) || temporaryDefault(p, op) {
				return
			}
		case ops.SetNotNull:
			if notNullChecked(p, op) {
				return // inserts of NULL failed already
			}
		case ops.AddConstraint:
			// CHECK (col IS NOT NULL), NOT VALID or not: new rows
			// are checked at once, like SET NOT NULL.
			k := op.Constraint
			if k == nil || k.Type != ops.Check || k.NotNullColumn == "" {
				return
			}
			column, what = k.NotNullColumn, "CHECK ("+quoteIdent(k.NotNullColumn)+" IS NOT NULL)"
		}
		uses := p.Compat.Inserters(op.Table, column)
		if (op.Kind == ops.SetNotNull || op.Kind == ops.AddConstraint) && defaultedAfter(p, op.Table, column) {
			// An INSERT that leaves the column out gets the default.
			uses = slices.DeleteFunc(uses, func(u Use) bool { return !u.WritesNull })
		}
		col := qname(op.Table) + "." + quoteIdent(column)
		p.reportUses(op, uses,
			fmt.Sprintf("%s makes %s required, but the running release can insert into %s without a value in it (%s)", what, col, qname(op.Table), insertSummary(uses)),
			withHint("keep a default, or wait until every running release writes the column", p.notNullHint(uses, column)))
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

// defaultedAfter reports whether a column has a default once the
// migration has run: one it had before that the migration does not drop,
// or one the migration sets (or adds the column with).
func defaultedAfter(p *Pass, table ops.Name, column string) bool {
	has := p.Schema != nil && p.Schema.HasDefault(table, column)
	for _, o := range p.Ops(ops.SetDefault, ops.DropDefault, ops.AddColumn) {
		if o.Table.Key() != table.Key() {
			continue
		}
		switch {
		case o.Kind == ops.AddColumn && o.ColumnDef != nil && o.ColumnDef.Name == column:
			has = o.ColumnDef.Default != nil && !o.ColumnDef.Default.Null
		case o.Kind != ops.AddColumn && o.Column == column:
			has = o.Kind == ops.SetDefault && (o.Default == nil || !o.Default.Null)
		}
	}
	return has
}

// notNullChecked reports a SET NOT NULL on a column a CHECK (col IS NOT
// NULL) already guards, validated or not: one in the schema before the
// migration, or one the migration adds first (the finding is at that CHECK, where inserts
// start to fail).
func notNullChecked(p *Pass, op *ops.Op) bool {
	if p.Schema != nil && p.Schema.HasNotNullCheck(op.Table, op.Column) {
		return true
	}
	for _, o := range p.Ops() {
		if o == op {
			break
		}
		if k := o.Constraint; o.Kind == ops.AddConstraint && k != nil && k.NotNullColumn == op.Column && o.Table.Key() == op.Table.Key() {
			return true
		}
	}
	return false
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
