package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// jOOQ (read by JVM): every TABLE.FIELD read (USERS.NICKNAME,
// Tables.USERS.NICKNAME) is a Select reference of that column, and
// selectFrom(TABLE) reads every column the generated table declares.
// When the generated classes are in the tree (a class extending
// TableImpl), their DSL.name("...") strings give the table and column
// names: selectFrom is then a Model reference listing the generated
// columns (regenerating without a column is the staged drop). Without
// them, a constant counts as a table only when it is imported from a
// generated Tables class or a ".tables." package, its name is the
// table's lower-cased (the generator's default strategy), and
// selectFrom is a Wildcard.

type jooqTable struct {
	table     string
	fields    map[string]string
	columns   []string
	generated bool
}

func isConstantName(s string) bool {
	if s == "" || !isUpper(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isUpper(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func (p *jvProgram) jooq() []refs.Reference {
	byClass := map[string]*jooqTable{}
	for _, f := range p.files {
		for _, c := range f.classes {
			if c.superclass != "TableImpl" {
				continue
			}
			t := &jooqTable{fields: map[string]string{}, generated: true}
			if len(c.ctorNames) > 0 {
				t.table = c.ctorNames[0]
			}
			for _, fl := range c.fields {
				if fl.static && fl.typ == c.name && t.table == "" {
					t.table = strings.ToLower(fl.name)
				}
				if fl.typ != "TableField" || fl.initCall != "createField" {
					continue
				}
				if col, ok := fl.init.isStr(); ok {
					t.fields[fl.name] = col
					t.columns = append(t.columns, col)
				}
			}
			if t.table != "" {
				byClass[c.name] = t
			}
		}
	}
	byConst := map[string]*jooqTable{}
	for _, f := range p.files {
		for _, c := range f.classes {
			for _, fl := range c.fields {
				if t := byClass[fl.typ]; t != nil && fl.static && isConstantName(fl.name) {
					byConst[fl.name] = t
				}
			}
		}
	}
	var out []refs.Reference
	for _, f := range p.files {
		if len(f.accesses) == 0 {
			continue
		}
		table := func(name string) *jooqTable {
			if t := byConst[name]; t != nil {
				return t
			}
			if !isConstantName(name) || !jooqImported(f, name) {
				return nil
			}
			return &jooqTable{table: strings.ToLower(name)}
		}
		for _, a := range f.accesses {
			t := table(a.object)
			if t == nil {
				continue
			}
			if a.call != "" {
				if a.call != "selectFrom" {
					continue
				}
				r := newRef(f.f, refs.JOOQ, a.off, t.table)
				if t.generated {
					r.Columns = t.columns
				} else {
					r.Usage = refs.Wildcard
				}
				out = append(out, r)
				continue
			}
			col := t.fields[a.field]
			if col == "" {
				if t.generated || !isConstantName(a.field) {
					continue
				}
				col = strings.ToLower(a.field)
			}
			out = append(out, columnRef(f.f, refs.JOOQ, a.off, t.table, col, refs.Select, refs.Resolved))
		}
	}
	return out
}

// jooqImported reports whether a constant comes from generated jOOQ
// code: imported (statically) from a Tables class or a tables package,
// or from such a class on a wildcard import.
func jooqImported(f *jvFile, name string) bool {
	from := func(q string) bool {
		return strings.HasSuffix(q, ".Tables") || strings.Contains(q, ".tables.") || strings.HasSuffix(q, ".tables")
	}
	if q, ok := f.imports[name]; ok {
		return from(strings.TrimSuffix(q, "."+name))
	}
	for _, w := range f.wildcards {
		if from(w) {
			return true
		}
	}
	return name != "" && strings.Contains(string(f.f.Text), "Tables."+name)
}
