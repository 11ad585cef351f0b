// Package catalog is the schema state that migrations build: tables,
// columns, constraints, indexes, views, functions, sequences and types.
// It is built by replaying operations (from SQL or framework migrations)
// or by reading a schema dump, and it answers the rules' questions about
// the database before each pending migration.
package catalog

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// Baseline is the Since of objects that existed before any pending
// migration (read from the previous release or a dump).
const Baseline = -1

// Origin says where an object was defined, for messages.
type Origin struct {
	File string      `json:"file,omitempty"`
	Span source.Span `json:"span"`
}

// Column is one column of a table.
type Column struct {
	Name    string   `json:"name"`
	Type    ops.Type `json:"type"`
	NotNull bool     `json:"not_null,omitempty"`
	Default string   `json:"default,omitempty"` // filled from defaultExpr when needed (DefaultSQL)
	// HasDefault is true when the column has a default expression (which
	// may be the text NULL, meaning none).
	HasDefault bool `json:"has_default,omitempty"`
	Identity   bool `json:"identity,omitempty"`
	Generated  bool `json:"generated,omitempty"`
	// Sequence is the sequence a serial or identity column owns, as
	// PostgreSQL named it when the column was created and as renames
	// moved it; "" when unknown.
	Sequence string `json:"-"`
	Since    int    `json:"since"`
	Origin   Origin `json:"origin"`

	defaultExpr *ops.Expr // deparsed lazily: most defaults are never shown
}

// DefaultSQL returns the column's default expression text.
func (c *Column) DefaultSQL() string {
	if c.Default == "" && c.defaultExpr != nil {
		c.Default = c.defaultExpr.SQL()
	}
	return c.Default
}

// MarshalJSON writes the default's text.
func (c *Column) MarshalJSON() ([]byte, error) {
	c.DefaultSQL()
	type plain Column
	return json.Marshal((*plain)(c))
}

// Constraint is a table constraint.
type Constraint struct {
	Name          string             `json:"name"`
	Type          ops.ConstraintType `json:"type"`
	Columns       []string           `json:"columns,omitempty"`
	Valid         bool               `json:"valid"`
	NotNullColumn string             `json:"not_null_column,omitempty"`
	RefTable      string             `json:"ref_table,omitempty"`
}

// Table is a table (or a view, materialized view or sequence: Kind says).
type Table struct {
	Name        ops.Name               `json:"name"`
	Kind        string                 `json:"kind"` // table, view, materialized-view, sequence
	Columns     []*Column              `json:"columns,omitempty"`
	Constraints map[string]*Constraint `json:"constraints,omitempty"`
	Since       int                    `json:"since"`
	Origin      Origin                 `json:"origin"`
	// Partial is true when the replay does not know every column: the
	// table was made from another (AS SELECT, LIKE, INHERITS, PARTITION
	// OF) or is not a table, or code the replay could not read ran after
	// it was made (then Unsure is true too: not even its existence is
	// vouched for).
	Partial bool `json:"partial,omitempty"`
	Unsure  bool `json:"unsure,omitempty"`

	// removedColumns records where columns of the table went, as
	// Catalog.removed does for relations.
	removedColumns map[string]removal
}

// Column returns the named column.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Object is a function, type, domain, enum, schema or extension.
type Object struct {
	Name   ops.Name `json:"name"`
	Kind   string   `json:"kind"`
	Values []string `json:"values,omitempty"` // enum labels in order
	Since  int      `json:"since"`
	Origin Origin   `json:"origin"`
}

// Index is an index and its table.
type Index struct {
	Name    ops.Name `json:"name"`
	Table   string   `json:"table"` // table key
	Unique  bool     `json:"unique,omitempty"`
	Columns []string `json:"columns,omitempty"`
	Since   int      `json:"since"`
	Origin  Origin   `json:"origin"`
}

// Catalog is a schema state.
type Catalog struct {
	Tables  map[string]*Table  `json:"tables"`
	Indexes map[string]*Index  `json:"indexes"`
	Objects map[string]*Object `json:"objects"` // kind + ":" + key
	// Order is the migration order operations are applied at; objects
	// they create get it as Since. Boundary is the first order that is
	// pending: anything with Since >= Boundary is new to the deployed
	// database.
	Order    int `json:"-"`
	Boundary int `json:"-"`

	// removed records where the replay saw a relation, column or index
	// go (dropped, renamed away), so a later statement that needs it can
	// say which migration removed it; keyed by removedKey.
	removed map[string]removal

	// byTable holds the Indexes of each table by key, for the questions
	// and changes about one table's indexes; it is built when first
	// needed (a cloned or decoded catalog has none yet) and kept by
	// setIndex and deleteIndex, through which Apply changes Indexes.
	byTable map[string]map[string]*Index
}

// New returns an empty catalog in which everything applied counts as
// baseline until Boundary is set.
func New() *Catalog {
	return &Catalog{
		Tables:   map[string]*Table{},
		Indexes:  map[string]*Index{},
		Objects:  map[string]*Object{},
		Order:    Baseline,
		Boundary: 1 << 30,
	}
}

// Empty reports whether c is as New made it.
func (c *Catalog) Empty() bool {
	return len(c.Tables) == 0 && len(c.Indexes) == 0 && len(c.Objects) == 0 && c.Order == Baseline && c.Boundary == 1<<30
}

// Clone returns a deep copy.
func (c *Catalog) Clone() *Catalog {
	n := New()
	n.Order, n.Boundary = c.Order, c.Boundary
	for k, t := range c.Tables {
		nt := *t
		nt.Columns = make([]*Column, len(t.Columns))
		for i, col := range t.Columns {
			cc := *col
			nt.Columns[i] = &cc
		}
		nt.removedColumns = maps.Clone(t.removedColumns)
		nt.Constraints = map[string]*Constraint{}
		for ck, con := range t.Constraints {
			cc := *con
			nt.Constraints[ck] = &cc
		}
		n.Tables[k] = &nt
	}
	for k, i := range c.Indexes {
		ni := *i
		n.Indexes[k] = &ni
	}
	for k, o := range c.Objects {
		no := *o
		n.Objects[k] = &no
	}
	n.removed = maps.Clone(c.removed)
	return n
}

// Table returns the table (or view, sequence) with that name.
func (c *Catalog) Table(n ops.Name) *Table { return c.Tables[n.Key()] }

// TableNames returns the sorted keys of every table.
func (c *Catalog) TableNames() []string {
	out := make([]string, 0, len(c.Tables))
	for k := range c.Tables {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TableExisted implements rules.Schema: an unknown table is assumed to
// exist (we only know what the migrations we read created); a known one
// existed when it was created before the pending boundary.
func (c *Catalog) TableExisted(n ops.Name) bool {
	t := c.Tables[n.Key()]
	return t == nil || t.Since < c.Boundary
}

// ColumnType implements rules.Schema.
func (c *Catalog) ColumnType(n ops.Name, column string) (ops.Type, bool) {
	col := c.column(n, column)
	if col == nil {
		return ops.Type{}, false
	}
	return col.Type, true
}

// HasDefault implements rules.Schema.
func (c *Catalog) HasDefault(n ops.Name, column string) bool {
	col := c.column(n, column)
	return col != nil && col.HasDefault && !strings.EqualFold(strings.TrimSpace(col.DefaultSQL()), "NULL")
}

// HasValidNotNullCheck implements rules.Schema.
func (c *Catalog) HasValidNotNullCheck(n ops.Name, column string) bool {
	return c.notNullGuard(n, column, true)
}

// HasNotNullCheck implements rules.Schema.
func (c *Catalog) HasNotNullCheck(n ops.Name, column string) bool {
	return c.notNullGuard(n, column, false)
}

// notNullGuard reports a NOT NULL column or a CHECK (col IS NOT NULL)
// on it (a validated one only, if validOnly).
func (c *Catalog) notNullGuard(n ops.Name, column string, validOnly bool) bool {
	t := c.Tables[n.Key()]
	if t == nil {
		return false
	}
	if col := t.Column(column); col != nil && col.NotNull {
		return true
	}
	for _, k := range t.Constraints {
		if (k.Valid || !validOnly) && k.NotNullColumn == column {
			return true
		}
	}
	return false
}

// IndexTable implements rules.Schema.
func (c *Catalog) IndexTable(n ops.Name) (ops.Name, bool) {
	i := c.Indexes[n.Key()]
	if i == nil {
		return ops.Name{}, false
	}
	t := c.Tables[i.Table]
	if t == nil {
		return ops.Name{}, false
	}
	return t.Name, true
}

// ColumnIsNew reports whether the column was added by a pending migration.
func (c *Catalog) ColumnIsNew(n ops.Name, column string) bool {
	col := c.column(n, column)
	return col != nil && col.Since >= c.Boundary
}

// HasConstraintLike implements rules.Schema.
func (c *Catalog) HasConstraintLike(n ops.Name, k *ops.Constraint) bool {
	t := c.Tables[n.Key()]
	if t == nil || len(k.Columns) == 0 {
		return false
	}
	for _, had := range t.Constraints {
		switch {
		case k.Type == ops.Unique && (had.Type == ops.Unique || had.Type == ops.PrimaryKey):
			// Two rows equal on k's columns are equal on had's, which
			// had already rejects (a primary key is unique too).
			if len(had.Columns) > 0 && subset(had.Columns, k.Columns) {
				return true
			}
		case k.Type == ops.ForeignKey && had.Type == ops.ForeignKey:
			if k.RefTable != nil && had.RefTable == k.RefTable.Key() && len(had.Columns) == len(k.Columns) && subset(had.Columns, k.Columns) {
				return true
			}
		}
	}
	return false
}

// subset reports whether every column of a is in b.
func subset(a, b []string) bool {
	return !slices.ContainsFunc(a, func(c string) bool { return !slices.Contains(b, c) })
}

// EnumLabels implements rules.Schema.
func (c *Catalog) EnumLabels(typeName string) ([]string, bool) {
	n := ops.Name{Name: typeName}
	if i := strings.LastIndexByte(typeName, '.'); i > 0 {
		n = ops.Name{Schema: typeName[:i], Name: typeName[i+1:]}
	}
	o := c.Objects[objectKey("enum", n)]
	if o == nil {
		return nil, false
	}
	return o.Values, true
}

// IndexesOn returns the indexes of a table, sorted by name (PostgreSQL
// lists them so).
func (c *Catalog) IndexesOn(table ops.Name) []*Index {
	on := c.tableIndexes(table.Key())
	keys := make([]string, 0, len(on))
	for k := range on {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*Index, len(keys))
	for i, k := range keys {
		out[i] = on[k]
	}
	return out
}

// tableIndexes returns the indexes of the table with that key, by key.
func (c *Catalog) tableIndexes(table string) map[string]*Index {
	if c.byTable == nil {
		c.byTable = map[string]map[string]*Index{}
		for k, i := range c.Indexes {
			c.indexOn(i.Table)[k] = i
		}
	}
	return c.byTable[table]
}

func (c *Catalog) indexOn(table string) map[string]*Index {
	m := c.byTable[table]
	if m == nil {
		m = map[string]*Index{}
		c.byTable[table] = m
	}
	return m
}

// setIndex adds or replaces an index.
func (c *Catalog) setIndex(i *Index) {
	key := i.Name.Key()
	c.deleteIndex(key)
	c.Indexes[key] = i
	if c.byTable != nil {
		c.indexOn(i.Table)[key] = i
	}
}

// deleteIndex removes the index with that key.
func (c *Catalog) deleteIndex(key string) {
	i := c.Indexes[key]
	if i == nil {
		return
	}
	delete(c.Indexes, key)
	if c.byTable != nil {
		delete(c.byTable[i.Table], key)
	}
}

// Object returns a function, type, ... by kind and name.
func (c *Catalog) Object(kind string, n ops.Name) *Object {
	return c.Objects[kind+":"+n.Key()]
}

func objectKey(kind string, n ops.Name) string { return kind + ":" + n.Key() }
