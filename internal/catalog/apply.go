package catalog

import (
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// ApplyAll applies the operations of one migration file.
func (c *Catalog) ApplyAll(list []ops.Op, file string) {
	for i := range list {
		c.Apply(&list[i], file)
	}
}

// Apply changes the catalog as op would change the database. Operations
// on objects the catalog does not know are ignored, except that altering
// an unknown table does not invent it: the catalog only claims what it
// has seen.
func (c *Catalog) Apply(op *ops.Op, file string) {
	origin := Origin{File: file, Span: op.Span}
	switch op.Kind {
	case ops.Do:
		c.Opaque()
	case ops.Other:
		if op.Detail == "CallStmt" {
			c.Opaque() // a procedure may change any table
		}
	case ops.CreateTable:
		key := op.Table.Key()
		if c.Tables[key] != nil && op.IfNotExists {
			return
		}
		// AS SELECT, LIKE, INHERITS and PARTITION OF take columns from
		// elsewhere.
		t := &Table{Name: op.Table, Kind: "table", Constraints: map[string]*Constraint{}, Since: c.Order, Origin: origin, Partial: op.Detail != ""}
		for _, col := range op.Columns {
			t.Columns = append(t.Columns, newColumn(op.Table, col, c.Order, Origin{File: file, Span: spanOr(col.Span, op)}))
		}
		for _, k := range op.Constraints {
			c.addConstraint(t, k, origin)
		}
		c.Tables[key] = t
		c.forget(relationKey(op.Table))
	case ops.CreateView, ops.CreateMatView, ops.CreateSequence:
		kind := map[ops.Kind]string{ops.CreateView: "view", ops.CreateMatView: "materialized-view", ops.CreateSequence: "sequence"}[op.Kind]
		key := op.Table.Key()
		if old := c.Tables[key]; old != nil && (op.OrReplace || op.IfNotExists) {
			return
		}
		c.Tables[key] = &Table{Name: op.Table, Kind: kind, Constraints: map[string]*Constraint{}, Since: c.Order, Origin: origin, Partial: true}
		c.forget(relationKey(op.Table))
	case ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence:
		key := op.Table.Key()
		delete(c.Tables, key)
		c.remember(relationKey(op.Table), origin, "dropped it")
		for k, i := range c.tableIndexes(key) {
			c.deleteIndex(k)
			c.remember(indexKey(i.Name), origin, "dropped its table")
		}
	case ops.RenameTable, ops.RenameView:
		if c.Tables[op.Table.Key()] == nil {
			c.renameOwnedSequence(op.Table, op.NewName)
		}
		c.moveTable(op.Table, ops.Name{Schema: op.Table.Schema, Name: op.NewName}, origin, "renamed it to "+op.NewName)
	case ops.SetSchema:
		if op.Table.Name != "" {
			c.moveTable(op.Table, ops.Name{Schema: op.NewSchema, Name: op.Table.Name}, origin, "moved it to schema "+op.NewSchema)
		}
	case ops.AddColumn:
		t := c.Table(op.Table)
		if t == nil || op.ColumnDef == nil {
			return
		}
		if t.Column(op.ColumnDef.Name) != nil {
			return
		}
		t.Columns = append(t.Columns, newColumn(op.Table, *op.ColumnDef, c.Order, Origin{File: file, Span: spanOr(op.ColumnDef.Span, op)}))
		delete(t.removedColumns, op.ColumnDef.Name)
	case ops.DropColumn:
		if t := c.Table(op.Table); t != nil {
			for i, col := range t.Columns {
				if col.Name == op.Column {
					t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
					break
				}
			}
			t.rememberColumn(op.Column, origin, "dropped it", c.Order)
			for name, k := range t.Constraints {
				for _, kc := range k.Columns {
					if kc == op.Column {
						delete(t.Constraints, name)
					}
				}
			}
			// PostgreSQL drops the indexes on a dropped column too.
			for k, i := range c.tableIndexes(t.Name.Key()) {
				if slices.Contains(i.Columns, op.Column) {
					c.deleteIndex(k)
					c.remember(indexKey(i.Name), origin, "dropped its column "+op.Column)
				}
			}
		}
	case ops.RenameColumn:
		if col := c.column(op.Table, op.Column); col != nil {
			t := c.Table(op.Table)
			col.Name = op.NewName
			c.renameColumnUses(t, op.Column, op.NewName)
			t.rememberColumn(op.Column, origin, "renamed it to "+op.NewName, c.Order)
			delete(t.removedColumns, op.NewName)
		}
	case ops.AlterColumnType:
		if col := c.column(op.Table, op.Column); col != nil && op.Type != nil {
			col.Type = *op.Type
		}
	case ops.SetNotNull:
		if col := c.column(op.Table, op.Column); col != nil {
			col.NotNull = true
		}
	case ops.DropNotNull:
		if col := c.column(op.Table, op.Column); col != nil {
			col.NotNull = false
		}
	case ops.SetDefault:
		if col := c.column(op.Table, op.Column); col != nil && op.Default != nil {
			col.Default, col.defaultExpr, col.HasDefault = "", op.Default, !op.Default.Null
		}
	case ops.DropDefault:
		if col := c.column(op.Table, op.Column); col != nil {
			col.Default, col.defaultExpr, col.HasDefault = "", nil, false
		}
	case ops.AddConstraint:
		if t := c.Table(op.Table); t != nil && op.Constraint != nil {
			c.addConstraint(t, *op.Constraint, origin)
		}
	case ops.ValidateConstr:
		if t := c.Table(op.Table); t != nil {
			if k := t.Constraints[op.Object.Name]; k != nil {
				k.Valid = true
			}
		}
	case ops.DropConstraint:
		if t := c.Table(op.Table); t != nil {
			delete(t.Constraints, op.Object.Name)
		}
	case ops.RenameConstraint:
		if t := c.Table(op.Table); t != nil {
			if k := t.Constraints[op.Object.Name]; k != nil {
				delete(t.Constraints, op.Object.Name)
				k.Name = op.NewName
				t.Constraints[op.NewName] = k
			}
		}
	case ops.CreateIndex:
		if op.Index == nil {
			return
		}
		name := op.Index.Name
		if name == "" {
			name = defaultIndexName(op.Table.Name, op.Index.Columns)
		}
		idx := ops.Name{Schema: op.Table.Schema, Name: name}
		if c.Indexes[idx.Key()] != nil && op.IfNotExists {
			return
		}
		c.setIndex(&Index{Name: idx, Table: op.Table.Key(), Unique: op.Index.Unique, Columns: op.Index.Columns, Since: c.Order, Origin: origin})
		c.forget(indexKey(idx))
	case ops.DropIndex:
		c.deleteIndex(op.Object.Key())
		c.remember(indexKey(op.Object), origin, "dropped it")
	case ops.RenameIndex:
		if i := c.Indexes[op.Object.Key()]; i != nil {
			c.deleteIndex(op.Object.Key())
			c.remember(indexKey(op.Object), origin, "renamed it to "+op.NewName)
			old := i.Name.Name
			i.Name = ops.Name{Schema: op.Object.Schema, Name: op.NewName}
			c.forget(indexKey(i.Name))
			c.setIndex(i)
			// The constraint an index backs is renamed with it.
			if t := c.Tables[i.Table]; t != nil {
				if k := t.Constraints[old]; k != nil && (k.Type == ops.PrimaryKey || k.Type == ops.Unique || k.Type == ops.Exclusion) {
					delete(t.Constraints, old)
					k.Name = op.NewName
					t.Constraints[op.NewName] = k
				}
			}
		}
	case ops.CreateFunction, ops.CreateEnum, ops.CreateType, ops.CreateDomain, ops.CreateSchema, ops.CreateExtension:
		kind := objectKind(op.Kind)
		key := objectKey(kind, op.Object)
		if c.Objects[key] != nil && (op.OrReplace || op.IfNotExists) {
			return
		}
		c.Objects[key] = &Object{Name: op.Object, Kind: kind, Values: append([]string(nil), op.Values...), Since: c.Order, Origin: origin}
	case ops.DropFunction, ops.DropType, ops.DropDomain, ops.DropSchema, ops.DropExtension:
		kind := objectKind(op.Kind)
		delete(c.Objects, objectKey(kind, op.Object))
		if op.Kind == ops.DropType {
			delete(c.Objects, objectKey("enum", op.Object))
		}
	case ops.AddEnumValue:
		if o := c.Objects[objectKey("enum", op.Object)]; o != nil {
			for _, v := range o.Values {
				if v == op.NewName {
					return
				}
			}
			o.Values = append(o.Values, op.NewName)
		}
	case ops.RenameEnumValue:
		if o := c.Objects[objectKey("enum", op.Object)]; o != nil {
			for i, v := range o.Values {
				if v == op.Value {
					o.Values[i] = op.NewName
				}
			}
		}
	case ops.RenameType:
		for _, kind := range []string{"enum", "type", "domain"} {
			if o := c.Objects[objectKey(kind, op.Object)]; o != nil {
				delete(c.Objects, objectKey(kind, op.Object))
				o.Name = ops.Name{Schema: op.Object.Schema, Name: op.NewName}
				c.Objects[objectKey(kind, o.Name)] = o
			}
		}
	}
}

func objectKind(k ops.Kind) string {
	switch k {
	case ops.CreateFunction, ops.DropFunction:
		return "function"
	case ops.CreateEnum:
		return "enum"
	case ops.CreateType, ops.DropType:
		return "type"
	case ops.CreateDomain, ops.DropDomain:
		return "domain"
	case ops.CreateSchema, ops.DropSchema:
		return "schema"
	case ops.CreateExtension, ops.DropExtension:
		return "extension"
	}
	return string(k)
}

func spanOr(s source.Span, op *ops.Op) source.Span {
	if s.Empty() {
		return op.Span
	}
	return s
}

func newColumn(table ops.Name, col ops.Column, since int, origin Origin) *Column {
	c := &Column{Name: col.Name, Type: col.Type, NotNull: col.NotNull, Identity: col.Identity, Generated: col.Generated, Since: since, Origin: origin}
	if col.Serial || col.Identity {
		c.Sequence = table.Name + "_" + col.Name + "_seq"
	}
	if col.Default != nil && !col.Default.Null {
		c.defaultExpr, c.HasDefault = col.Default, true
	}
	if col.Serial {
		// serial is integer + a nextval default, as PostgreSQL stores it.
		c.Type = ops.Type{Name: map[string]string{"serial": "integer", "bigserial": "bigint", "smallserial": "smallint"}[col.Type.Name]}
		c.HasDefault, c.Default, c.defaultExpr = true, "nextval(...)", nil
	}
	if col.Identity {
		c.HasDefault = true
	}
	return c
}

func (c *Catalog) column(t ops.Name, name string) *Column {
	tab := c.Table(t)
	if tab == nil {
		return nil
	}
	return tab.Column(name)
}

func (c *Catalog) moveTable(from, to ops.Name, at Origin, how string) {
	t := c.Tables[from.Key()]
	if t == nil {
		return
	}
	delete(c.Tables, from.Key())
	c.remember(relationKey(from), at, how)
	c.forget(relationKey(to))
	t.Name = to
	c.Tables[to.Key()] = t
	moved := c.tableIndexes(from.Key())
	delete(c.byTable, from.Key())
	for k, i := range moved {
		i.Table = to.Key()
		c.indexOn(to.Key())[k] = i
	}
}

// renameColumnUses follows a column rename in the table's constraints
// and indexes, as PostgreSQL does (they refer to the column, not its
// name).
func (c *Catalog) renameColumnUses(t *Table, from, to string) {
	rename := func(cols []string) []string {
		if !slices.Contains(cols, from) {
			return cols
		}
		out := slices.Clone(cols)
		for i, col := range out {
			if col == from {
				out[i] = to
			}
		}
		return out
	}
	for _, k := range t.Constraints {
		k.Columns = rename(k.Columns)
		if k.NotNullColumn == from {
			k.NotNullColumn = to
		}
	}
	for _, i := range c.tableIndexes(t.Name.Key()) {
		i.Columns = rename(i.Columns)
	}
}

// renameOwnedSequence follows ALTER TABLE (or ALTER SEQUENCE) seq RENAME
// of the sequence a serial or identity column owns.
func (c *Catalog) renameOwnedSequence(seq ops.Name, to string) {
	for _, t := range c.Tables {
		if t.Name.Key() != (ops.Name{Schema: seq.Schema, Name: t.Name.Name}).Key() {
			continue
		}
		for _, col := range t.Columns {
			if col.Sequence == seq.Name {
				col.Sequence = to
			}
		}
	}
}

func (c *Catalog) addConstraint(t *Table, k ops.Constraint, at Origin) {
	name := k.Name
	if name == "" {
		name = defaultConstraintName(t.Name.Name, k)
	}
	con := &Constraint{Name: name, Type: k.Type, Columns: k.Columns, Valid: !k.NotValid, NotNullColumn: k.NotNullColumn}
	if k.RefTable != nil {
		con.RefTable = k.RefTable.Key()
	}
	t.Constraints[name] = con
	if k.Type == ops.PrimaryKey || k.Type == ops.NotNull {
		for _, colName := range k.Columns {
			if col := t.Column(colName); col != nil {
				col.NotNull = true
			}
		}
	}
	if (k.Type == ops.PrimaryKey || k.Type == ops.Unique) && k.UsingIndex == "" {
		idx := ops.Name{Schema: t.Name.Schema, Name: name}
		c.setIndex(&Index{Name: idx, Table: t.Name.Key(), Unique: true, Columns: k.Columns, Since: c.Order, Origin: at})
	}
}

// defaultConstraintName follows PostgreSQL's ChooseConstraintName.
func defaultConstraintName(table string, k ops.Constraint) string {
	cols := strings.Join(k.Columns, "_")
	switch k.Type {
	case ops.PrimaryKey:
		return table + "_pkey"
	case ops.Unique:
		return table + "_" + cols + "_key"
	case ops.ForeignKey:
		return table + "_" + cols + "_fkey"
	case ops.Check:
		if k.NotNullColumn != "" {
			return table + "_" + k.NotNullColumn + "_check"
		}
		return table + "_check"
	case ops.Exclusion:
		return table + "_excl"
	}
	return table + "_" + string(k.Type)
}

// defaultIndexName follows PostgreSQL's ChooseIndexName for plain column
// indexes.
func defaultIndexName(table string, cols []string) string {
	return table + "_" + strings.Join(cols, "_") + "_idx"
}
