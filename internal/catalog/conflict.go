package catalog

import (
	"fmt"
	"regexp"

	"github.com/schemagate/schemagate/internal/ops"
)

// Conflict is an operation PostgreSQL will reject on the schema the
// replay built: a column or table that is not there, one that is there
// already, a rename to a taken name.
type Conflict struct {
	Op *ops.Op
	// Error is PostgreSQL's message (`column "email" of relation "users"
	// does not exist`).
	Error string
	// Origin is the earlier statement that made it so, and How what it did
	// ("dropped it", "added it", "created the table without it").
	Origin Origin
	How    string

	since int // the replay order of Origin
}

// Replay checks each operation against the catalog and applies those
// that can run, and returns the ones that will fail (a failing statement
// changes nothing). The catalog answers only for what it saw whole: an
// object it never saw made, a table made from another (Table.Partial) or
// one code the replay could not read may have changed (Opaque) gives no
// conflict.
func (c *Catalog) Replay(list []ops.Op, file string) []Conflict {
	var out []Conflict
	for i := range list {
		k := c.conflict(&list[i])
		// A migration replayed on a catalog that holds it already (check
		// replays a pending migration the previous release's replay
		// included, when the database is behind) meets its own work.
		if k != nil && (k.Origin.File != file || k.since >= c.Order) {
			out = append(out, *k)
			continue
		}
		c.Apply(&list[i], file)
	}
	return out
}

// conflict is what makes op fail on the catalog as it is, nil when
// nothing known does.
func (c *Catalog) conflict(op *ops.Op) *Conflict {
	if op.Guarded {
		return nil // the migration asks first, as IF [NOT] EXISTS would
	}
	switch op.Kind {
	case ops.CreateTable, ops.CreateView, ops.CreateMatView, ops.CreateSequence:
		if op.IfNotExists || op.OrReplace {
			return nil
		}
		return c.taken(op, op.Table)
	case ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence:
		if op.IfExists {
			return nil
		}
		return c.gone(op, op.Table, op.Kind.DroppedRelation())
	case ops.RenameTable, ops.RenameView, ops.SetSchema:
		if op.IfExists || op.Table.Name == "" {
			return nil
		}
		if k := c.gone(op, op.Table, "relation"); k != nil {
			return k
		}
		to := ops.Name{Schema: op.Table.Schema, Name: op.NewName}
		if op.Kind == ops.SetSchema {
			to = ops.Name{Schema: op.NewSchema, Name: op.Table.Name}
		}
		if c.Tables[op.Table.Key()] == nil {
			return nil // renaming what the replay does not know: its kind is unknown
		}
		return c.taken(op, to)
	case ops.CreateIndex:
		if k := c.gone(op, op.Table, "relation"); k != nil {
			return k
		}
		if op.Index == nil {
			return nil
		}
		if op.Index.Name != "" && !op.IfNotExists {
			if k := c.taken(op, ops.Name{Schema: op.Table.Schema, Name: op.Index.Name}); k != nil {
				return k
			}
		}
		for _, col := range op.Index.Columns {
			if reIdent.MatchString(col) {
				if k := c.missingColumn(op, op.Table, col, fmt.Sprintf("column %q does not exist", col)); k != nil {
					return k
				}
			}
		}
		return nil
	case ops.DropIndex:
		if op.IfExists {
			return nil
		}
		return c.goneIndex(op, op.Object, "index")
	case ops.RenameIndex:
		if op.IfExists {
			return nil
		}
		if k := c.goneIndex(op, op.Object, "relation"); k != nil {
			return k
		}
		if c.Indexes[op.Object.Key()] == nil {
			return nil
		}
		return c.taken(op, ops.Name{Schema: op.Object.Schema, Name: op.NewName})
	}
	if op.Table.Name == "" || op.IfExists {
		return nil
	}
	if k := c.gone(op, op.Table, "relation"); k != nil {
		return k
	}
	switch op.Kind {
	case ops.AddColumn:
		if op.IfNotExists || op.ColumnDef == nil {
			return nil
		}
		if t, col := c.knownColumn(op.Table, op.ColumnDef.Name); col != nil {
			return &Conflict{Op: op, Error: fmt.Sprintf("column %q of relation %q already exists", col.Name, t.Name.Name), Origin: col.Origin, How: "added it", since: col.Since}
		}
	case ops.DropColumn, ops.AlterColumnType, ops.SetNotNull, ops.DropNotNull, ops.SetDefault, ops.DropDefault:
		return c.missingColumn(op, op.Table, op.Column, fmt.Sprintf("column %q of relation %q does not exist", op.Column, op.Table.Name))
	case ops.RenameColumn:
		if op.Detail == "view" {
			return nil
		}
		if k := c.missingColumn(op, op.Table, op.Column, fmt.Sprintf("column %q does not exist", op.Column)); k != nil {
			return k
		}
		if t, col := c.knownColumn(op.Table, op.NewName); col != nil {
			return &Conflict{Op: op, Error: fmt.Sprintf("column %q of relation %q already exists", col.Name, t.Name.Name), Origin: col.Origin, How: "added it", since: col.Since}
		}
	case ops.AddConstraint:
		k := op.Constraint
		if k == nil || op.Detail == "inline" {
			return nil
		}
		msg := "column %q named in key does not exist"
		switch k.Type {
		case ops.ForeignKey:
			msg = "column %q referenced in foreign key constraint does not exist"
		case ops.PrimaryKey, ops.Unique:
		default:
			return nil
		}
		for _, col := range k.Columns {
			if k := c.missingColumn(op, op.Table, col, fmt.Sprintf(msg, col)); k != nil {
				return k
			}
		}
	}
	return nil
}

// reIdent matches an index element that is a plain column name rather
// than an expression's text.
var reIdent = regexp.MustCompile(`^[a-z_][a-z0-9_$]*$`)

// whole returns the table when the replay knows all its columns.
func (c *Catalog) whole(n ops.Name) *Table {
	t := c.Tables[n.Key()]
	if t == nil || t.Kind != "table" || t.Partial || t.Unsure {
		return nil
	}
	return t
}

// knownColumn returns a column of a table the replay knows whole.
func (c *Catalog) knownColumn(table ops.Name, name string) (*Table, *Column) {
	t := c.whole(table)
	if t == nil {
		return nil, nil
	}
	return t, t.Column(name)
}

// missingColumn is the conflict of a column a wholly known table lacks:
// where it went, or where the table was made without it.
func (c *Catalog) missingColumn(op *ops.Op, table ops.Name, name, msg string) *Conflict {
	t := c.whole(table)
	if t == nil || name == "" || t.Column(name) != nil {
		return nil
	}
	if r, ok := t.removedColumns[name]; ok {
		return &Conflict{Op: op, Error: msg, Origin: r.Origin, How: r.How, since: r.Since}
	}
	return &Conflict{Op: op, Error: msg, Origin: t.Origin, How: "created the table without it, and no later migration adds it", since: t.Since}
}

// gone is the conflict of a relation the replay saw go.
func (c *Catalog) gone(op *ops.Op, n ops.Name, what string) *Conflict {
	return c.goneAs(op, n, what, relationKey(n))
}

// goneIndex is the conflict of an index the replay saw go.
func (c *Catalog) goneIndex(op *ops.Op, n ops.Name, what string) *Conflict {
	return c.goneAs(op, n, what, indexKey(n))
}

// goneAs is the conflict of a name that is no table or index now and
// whose removal the replay recorded under key.
func (c *Catalog) goneAs(op *ops.Op, n ops.Name, what, key string) *Conflict {
	if c.Tables[n.Key()] != nil || c.Indexes[n.Key()] != nil {
		return nil
	}
	r, ok := c.removed[key]
	if !ok {
		return nil
	}
	return &Conflict{Op: op, Error: fmt.Sprintf("%s %q does not exist", what, n.Name), Origin: r.Origin, How: r.How, since: r.Since}
}

// taken is the conflict of a relation name (tables, views, sequences and
// indexes share one namespace per schema) the replay knows is in use.
func (c *Catalog) taken(op *ops.Op, n ops.Name) *Conflict {
	if t := c.Tables[n.Key()]; t != nil && !t.Unsure {
		return &Conflict{Op: op, Error: fmt.Sprintf("relation %q already exists", n.Name), Origin: t.Origin, How: "created it", since: t.Since}
	}
	if i := c.Indexes[n.Key()]; i != nil {
		if t := c.Tables[i.Table]; t != nil && !t.Unsure {
			return &Conflict{Op: op, Error: fmt.Sprintf("relation %q already exists", n.Name), Origin: i.Origin, How: "created it", since: i.Since}
		}
	}
	return nil
}
