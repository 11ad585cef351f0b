package django

import (
	"slices"
)

// dbObject is a constraint or index as Django's introspection
// (get_constraints) sees it: AlterField, RemoveField and
// AlterUniqueTogether look their targets up by table and columns, since
// the names were made by PostgreSQL or hashed by Django.
type dbObject struct {
	name    string
	kind    byte // 'p' primary key, 'u' unique, 'f' foreign key, 'c' check, 'i' index
	columns []string
	unique  bool   // unique constraints and unique indexes
	basic   bool   // a plain btree index (introspection type "idx")
	refs    string // foreign key target table
}

// shadowDB holds the constraints and indexes the statements emitted so
// far have created, per table: the database Django would introspect.
type shadowDB struct {
	tables map[string][]*dbObject
}

func newShadow() *shadowDB { return &shadowDB{tables: map[string][]*dbObject{}} }

func bare(table string) string {
	_, t := splitIdentifier(table)
	return t
}

func (s *shadowDB) add(table string, o *dbObject) {
	t := bare(table)
	s.tables[t] = append(s.tables[t], o)
}

func (s *shadowDB) drop(table, name string) {
	t := bare(table)
	s.tables[t] = slices.DeleteFunc(s.tables[t], func(o *dbObject) bool { return o.name == name })
}

// dropIndex removes an index by name from whatever table has it.
func (s *shadowDB) dropIndex(name string) {
	for t := range s.tables {
		s.tables[t] = slices.DeleteFunc(s.tables[t], func(o *dbObject) bool { return o.name == name && (o.kind == 'i') })
	}
}

func (s *shadowDB) renameIndex(old, new string) {
	for _, objs := range s.tables {
		for _, o := range objs {
			if o.name == old {
				o.name = new
			}
		}
	}
}

func (s *shadowDB) dropTable(table string) {
	t := bare(table)
	delete(s.tables, t)
	// Foreign keys of other tables that pointed at it went with CASCADE.
	for k, objs := range s.tables {
		s.tables[k] = slices.DeleteFunc(objs, func(o *dbObject) bool { return o.kind == 'f' && o.refs == t })
	}
}

func (s *shadowDB) renameTable(old, new string) {
	o, n := bare(old), bare(new)
	if objs, ok := s.tables[o]; ok {
		delete(s.tables, o)
		s.tables[n] = objs
	}
	for _, objs := range s.tables {
		for _, ob := range objs {
			if ob.refs == o {
				ob.refs = n
			}
		}
	}
}

// dropColumn removes everything that involved the column (DROP COLUMN
// ... CASCADE).
func (s *shadowDB) dropColumn(table, column string) {
	t := bare(table)
	s.tables[t] = slices.DeleteFunc(s.tables[t], func(o *dbObject) bool { return slices.Contains(o.columns, column) })
}

func (s *shadowDB) renameColumn(table, old, new string) {
	for _, o := range s.tables[bare(table)] {
		for i, c := range o.columns {
			if c == old {
				o.columns[i] = new
			}
		}
	}
}

// filter is the condition of _constraint_names.
type filter struct {
	unique, primaryKey, index, foreignKey, check *bool
	basic                                        *bool
	exclude                                      map[string]bool
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// names is BaseDatabaseSchemaEditor._constraint_names over the shadow.
// Constraints come before indexes, as Django's introspection lists them.
func (s *shadowDB) names(table string, columns []string, f filter) []string {
	var cons, idx []string
	for _, o := range s.tables[bare(table)] {
		if columns != nil && !slices.Equal(columns, o.columns) {
			continue
		}
		isIndex := o.kind == 'i'
		switch {
		case f.unique != nil && o.unique != *f.unique,
			f.primaryKey != nil && (o.kind == 'p') != *f.primaryKey,
			f.index != nil && isIndex != *f.index,
			f.check != nil && (o.kind == 'c') != *f.check,
			f.foreignKey != nil && *f.foreignKey && o.kind != 'f',
			f.basic != nil && (!isIndex || o.basic != *f.basic),
			f.exclude[o.name]:
			continue
		}
		if isIndex {
			idx = append(idx, o.name)
		} else {
			cons = append(cons, o.name)
		}
	}
	return append(cons, idx...)
}

// pgObjectName is PostgreSQL's makeObjectName: the name it gives
// unnamed constraints ("<table>_<column>_key"), truncating the longer
// part until the whole fits NAMEDATALEN-1 bytes.
func pgObjectName(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	avail := maxNameLength - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	out := name1[:n1]
	if name2 != "" {
		out += "_" + name2[:n2]
	}
	return out + "_" + label
}
