package rules

import (
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// ChangeColumnType flags column type changes that rewrite the table.
var ChangeColumnType = &Rule{
	Name:     "change-column-type",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "ALTER COLUMN ... TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.AlterColumnType},
	Doc:      `Changing a column's type rewrites every row and rebuilds the indexes that use the column while holding ACCESS EXCLUSIVE, unless the old and new types are binary compatible (varchar(n) to text or to a larger varchar, numeric to a wider precision, cidr to inet). It also changes what the running release reads and writes (check reports that). The safe path is a new column: add it, write both, backfill, switch reads, drop the old one.`,
	Bad:      "ALTER TABLE orders ALTER COLUMN id TYPE bigint;",
	Good:     "ALTER TABLE orders ADD COLUMN id_new bigint;\n-- dual-write id_new, backfill, swap in a later release",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN c_new newtype;",
		"Deploy code that writes both columns (or a trigger), backfill c_new in batches.",
		"Deploy code that reads c_new.",
		"Drop c in a later release (after no running release references it), then rename if needed.",
	},
	Op: func(p *Pass, op *ops.Op) {
		if op.Type == nil || unreadType(*op.Type) {
			return // (an unread type has a translator's note)
		}
		old, ok := addedType(p, op)
		if !ok && p.Schema != nil {
			old, ok = p.Schema.ColumnType(op.Table, op.Column)
		}
		ok = ok && !unreadType(old)
		if ok {
			if ops.BinaryCompatible(old, *op.Type) && op.Using == "" {
				return
			}
			p.Reportf(op.Span, "add a new column, backfill it and switch over instead",
				"changing %s.%s from %s to %s rewrites the table and its indexes under an ACCESS EXCLUSIVE lock", qname(op.Table), quoteIdent(op.Column), old, op.Type)
			return
		}
		p.Reportf(op.Span, "add a new column, backfill it and switch over instead (varchar(n) to text or a larger varchar is safe; check knows the old type)",
			"changing the type of %s.%s to %s rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless the old type is binary compatible", qname(op.Table), quoteIdent(op.Column), op.Type)
	},
}

// addedType is the type an earlier statement of the migration added the
// column with (add_column, then change_column ... null: false).
func addedType(p *Pass, op *ops.Op) (ops.Type, bool) {
	var t ops.Type
	found := false
	for _, o := range p.Ops(ops.AddColumn) {
		if o.Stmt >= op.Stmt {
			break
		}
		if o.ColumnDef != nil && o.ColumnDef.Name == op.Column && o.Table.Key() == op.Table.Key() {
			t, found = o.ColumnDef.Type, true
		}
	}
	return t, found
}

// unreadType reports a type a translator could not read and named by its
// source (mistral's st.JsonEncoded()): what PostgreSQL makes of it is
// unknown.
func unreadType(t ops.Type) bool {
	return strings.ContainsAny(t.Name, "()")
}
