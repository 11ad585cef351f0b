package rails

import (
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/ops"
)

// Rails reads the live database to name what a call changes
// (remove_index by column, remove_foreign_key by table, the indexes that
// rename_table renames) and to answer table_exists? and friends; the
// translator asks the replayed catalog the same questions.

// table is the table named as Rails writes it ("users",
// "audit.events"), nil when the replay does not know it.
func (t *tr) table(name string) *catalog.Table {
	t.flushSent()
	tb := t.cat.Table(tname(name))
	if tb == nil || tb.Kind != "table" {
		return nil
	}
	return tb
}

// column is a column of a known table.
func (t *tr) column(table, col string) *catalog.Column {
	if tb := t.table(table); tb != nil {
		return tb.Column(col)
	}
	return nil
}

// constraints returns a table's constraints of one type, sorted by name
// (PostgreSQL lists them so).
func constraints(tb *catalog.Table, typ ops.ConstraintType) []*catalog.Constraint {
	if tb == nil {
		return nil
	}
	var out []*catalog.Constraint
	for _, k := range tb.Constraints {
		if k.Type == typ {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b *catalog.Constraint) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// primaryKey returns the primary key's columns.
func primaryKey(tb *catalog.Table) []string {
	if pk := constraints(tb, ops.PrimaryKey); len(pk) > 0 {
		return pk[0].Columns
	}
	return nil
}

// pkSequence is the sequence of a single-column serial or identity
// primary key, "" when there is none.
func pkSequence(tb *catalog.Table) string {
	pk := primaryKey(tb)
	if len(pk) != 1 {
		return ""
	}
	col := tb.Column(pk[0])
	switch {
	case col == nil:
		return ""
	case col.Sequence != "":
		return col.Sequence
	case col.Identity || strings.HasPrefix(col.DefaultSQL(), "nextval"):
		// Read from a schema file: PostgreSQL's name for it.
		return tb.Name.Name + "_" + pk[0] + "_seq"
	}
	return ""
}

// indexes returns the indexes Rails lists for a table (not the one of
// its primary key), sorted by name.
func (t *tr) indexes(table string) []*catalog.Index {
	tb := t.table(table)
	if tb == nil {
		return nil
	}
	pkeys := map[string]bool{}
	for _, k := range constraints(tb, ops.PrimaryKey) {
		pkeys[k.Name] = true
	}
	var out []*catalog.Index
	for _, ix := range t.cat.IndexesOn(tb.Name) {
		if !pkeys[ix.Name.Name] {
			out = append(out, ix)
		}
	}
	return out
}

// indexNamed is the index of table called name, nil when unknown.
func (t *tr) indexNamed(table, name string) *catalog.Index {
	for _, ix := range t.indexes(table) {
		if ix.Name.Name == name {
			return ix
		}
	}
	return nil
}

// findForeignKey is foreign_key_for: a foreign key of table tb by name:,
// column: or the referenced table.
func (t *tr) findForeignKey(tb *catalog.Table, to string, o opts) *catalog.Constraint {
	name, byName := o.str("name")
	col, byCol := o.str("column")
	if !byCol && to != "" && !byName {
		col, byCol = singularize(tname(to).Name)+"_id", false
	}
	for _, fk := range constraints(tb, ops.ForeignKey) {
		switch {
		case byName && fk.Name != name:
			continue
		case byCol && first(fk.Columns) != col:
			continue
		case to != "" && fk.RefTable != tname(to).Key() && tname(fk.RefTable).Name != tname(to).Name:
			continue
		}
		return fk
	}
	return nil
}

// hasCheck reports whether table has a check constraint called name.
func hasCheck(tb *catalog.Table, name string) bool {
	k := tb.Constraints[name]
	return k != nil && k.Type == ops.Check
}

// extensionEnabled reports whether the replay created the extension.
func (t *tr) extensionEnabled(name string) bool {
	t.flushSent()
	return t.cat.Object("extension", ops.Name{Name: name}) != nil
}
