package rails

import (
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/ops"
)

// schema is what the translator knows of the database while it replays
// migrations: Rails reads the live database to name what a call changes
// (remove_index by column, remove_foreign_key by table, the indexes that
// rename_table renames), and the replay answers the same questions.
type schema struct {
	tables     map[string]*table // by name as Rails writes it ("users", "audit.events")
	extensions map[string]bool
}

type table struct {
	name    string
	columns []*column
	pk      []string
	// seq is the sequence owned by the single-column primary key
	// (serial, bigserial, identity), "" when none.
	seq     string
	indexes []*index
	fks     []*foreignKey
	checks  []*check
}

type column struct {
	name string
	typ  ops.Type
	// railsType is the abstract type (string, integer, ...), "" when
	// unknown; default: values are serialised by it.
	railsType string
	array     bool
}

type index struct {
	name    string
	columns []string
	unique  bool
}

type foreignKey struct {
	name    string
	column  string
	toTable string
	pk      string
}

type check struct {
	name string
	expr string
}

func newSchema() *schema {
	return &schema{tables: map[string]*table{}, extensions: map[string]bool{}}
}

func (s *schema) table(name string) *table { return s.tables[name] }

func (t *table) column(name string) *column {
	if t == nil {
		return nil
	}
	for _, c := range t.columns {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (t *table) indexNamed(name string) *index {
	if t == nil {
		return nil
	}
	for _, i := range t.indexes {
		if i.name == name {
			return i
		}
	}
	return nil
}

func (t *table) dropIndex(name string) {
	t.indexes = slices.DeleteFunc(t.indexes, func(i *index) bool { return i.name == name })
}

func (t *table) dropColumn(name string) {
	t.columns = slices.DeleteFunc(t.columns, func(c *column) bool { return c.name == name })
	// PostgreSQL drops the indexes and constraints on a dropped column.
	t.indexes = slices.DeleteFunc(t.indexes, func(i *index) bool { return slices.Contains(i.columns, name) })
	t.fks = slices.DeleteFunc(t.fks, func(f *foreignKey) bool { return f.column == name })
	if slices.Contains(t.pk, name) {
		t.pk, t.seq = nil, ""
	}
}

// indexOwner finds the table an index belongs to.
func (s *schema) indexOwner(name string) *table {
	for _, t := range s.tables {
		if t.indexNamed(name) != nil {
			return t
		}
	}
	return nil
}

// seedFromCatalog fills the state from a schema file's catalog.
func (s *schema) seedFromCatalog(c *catalog.Catalog) {
	if c == nil {
		return
	}
	for _, ct := range c.Tables {
		if ct.Kind != "table" {
			continue
		}
		name := ct.Name.Name
		if ct.Name.Schema != "" && ct.Name.Schema != "public" {
			name = ct.Name.Schema + "." + ct.Name.Name
		}
		t := &table{name: name}
		for _, cc := range ct.Columns {
			t.columns = append(t.columns, &column{name: cc.Name, typ: cc.Type, railsType: railsTypeOf(cc.Type), array: cc.Type.Array})
		}
		for _, k := range ct.Constraints {
			switch k.Type {
			case ops.PrimaryKey:
				t.pk = append([]string(nil), k.Columns...)
				if len(k.Columns) == 1 {
					if col := ct.Column(k.Columns[0]); col != nil && (col.Identity || strings.HasPrefix(col.Default, "nextval")) {
						t.seq = ct.Name.Name + "_" + k.Columns[0] + "_seq"
					}
				}
			case ops.ForeignKey:
				fk := &foreignKey{name: k.Name, toTable: strings.TrimPrefix(k.RefTable, "public."), pk: "id"}
				if len(k.Columns) > 0 {
					fk.column = k.Columns[0]
				}
				t.fks = append(t.fks, fk)
			case ops.Check:
				t.checks = append(t.checks, &check{name: k.Name})
			}
		}
		s.tables[name] = t
	}
	for _, ci := range c.Indexes {
		ct := c.Tables[ci.Table]
		if ct == nil {
			continue
		}
		name := ct.Name.Name
		if ct.Name.Schema != "" && ct.Name.Schema != "public" {
			name = ct.Name.Schema + "." + ct.Name.Name
		}
		t := s.tables[name]
		if t == nil || (len(t.pk) > 0 && ci.Name.Name == ct.Name.Name+"_pkey") {
			continue
		}
		t.indexes = append(t.indexes, &index{name: ci.Name.Name, columns: ci.Columns, unique: ci.Unique})
	}
	for _, o := range c.Objects {
		if o.Kind == "extension" {
			s.extensions[o.Name.Name] = true
		}
	}
}

// railsTypeOf is the abstract Rails type of a PostgreSQL type, for
// serialising defaults of columns read from a catalog.
func railsTypeOf(t ops.Type) string {
	switch t.Name {
	case "character varying", "character":
		return "string"
	case "integer", "smallint", "bigint", "serial", "bigserial", "smallserial":
		return "integer"
	case "double precision", "real":
		return "float"
	case "numeric":
		return "decimal"
	case "timestamp without time zone", "timestamp with time zone":
		return "datetime"
	case "time without time zone", "time with time zone":
		return "time"
	case "bytea":
		return "binary"
	}
	return t.Name
}
