package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// Drizzle (read by JavaScript): one reference per table declared with
// pgTable, mysqlTable, sqliteTable or pgSchema("s").table. Usage Model,
// Columns = each column's name: the column builder's first argument
// (text("first_name")), else the key, snake_cased when the program
// passes `casing: "snake_case"` to drizzle(). db.select().from(t),
// relational queries and insert ... returning() name every column the
// table declares, so the declaration is the model: removing a column
// from it is the staged drop.
//
// Uses: t.column reads in files that import from drizzle (select
// fields, where conditions) are Select references, the keys of
// insert(t).values({...}) and update(t).set({...}) Insert and Update
// references, each at the place it is written.

var drizzleTableFuncs = map[string]bool{"pgTable": true, "mysqlTable": true, "sqliteTable": true, "singlestoreTable": true}

type drizzleTable struct {
	file    *jsFile
	varName string
	table   string
	off     int
	columns []string
	keys    map[string]string // property -> column
}

func (p *jsProgram) drizzle() []refs.Reference {
	snake := false
	schemas := map[string]string{} // variable -> schema name
	for _, f := range p.files {
		if !strings.Contains(string(f.f.Text), "drizzle") {
			continue
		}
		for _, site := range f.calls {
			v := site.val
			if v.kind == jsCall && v.recv == nil && v.method == "drizzle" {
				for _, a := range v.vals {
					if s, _ := a.get("casing").isStr(); s == "snake_case" {
						snake = true
					}
				}
			}
			if v.kind == jsCall && v.recv == nil && v.method == "pgSchema" && site.assigned != "" {
				if s, ok := v.arg(0).isStr(); ok {
					schemas[site.assigned] = s
				}
			}
		}
	}
	tables := map[*jsFile]map[string]*drizzleTable{}
	var list []*drizzleTable
	for _, f := range p.files {
		for _, site := range f.calls {
			v := site.val
			if v.kind != jsCall || len(v.vals) < 2 {
				continue
			}
			schema := ""
			switch {
			case v.recv == nil && drizzleTableFuncs[v.method]:
			case v.method == "table" && schemas[v.recv.ident()] != "":
				schema = schemas[v.recv.ident()]
			default:
				continue
			}
			name, ok := v.vals[0].isStr()
			cols := v.vals[1]
			if cols.kind == jsFunc {
				cols = cols.ret
			}
			if !ok || cols == nil || cols.kind != jsObject {
				continue
			}
			t := &drizzleTable{file: f, varName: site.assigned, table: name, off: v.off, keys: map[string]string{}}
			if schema != "" {
				t.table = schema + "." + name
			}
			for i, k := range cols.props() {
				col := drizzleColumnName(cols.vals[i])
				if col == "" {
					col = k
					if snake {
						col = drizzleSnake(k)
					}
				}
				t.keys[k] = col
				t.columns = uniq(t.columns, col)
			}
			list = append(list, t)
			if t.varName != "" {
				if tables[f] == nil {
					tables[f] = map[string]*drizzleTable{}
				}
				tables[f][t.varName] = t
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	var out []refs.Reference
	for _, t := range list {
		r := fileRef(t.file, refs.Drizzle, t.off, t.table)
		r.Columns = t.columns
		out = append(out, r)
	}
	lookup := func(f *jsFile, name string) *drizzleTable {
		if df, local := p.declaration(f, name); df != nil {
			return tables[df][local]
		}
		return nil
	}
	for _, f := range p.files {
		for _, m := range f.members {
			t := lookup(f, m.object)
			if t == nil {
				continue
			}
			col, ok := t.keys[m.prop]
			if !ok {
				continue // a method or property of the table object
			}
			out = append(out, columnRef(f.f, refs.Drizzle, m.off, t.table, col, refs.Select, refs.Resolved))
		}
		for _, site := range f.calls {
			_, calls := site.val.steps()
			var t *drizzleTable
			for _, c := range calls {
				switch c.method {
				case "insert", "update":
					t = lookup(f, c.arg(0).ident())
				case "values", "set":
					if t == nil {
						continue
					}
					usage := refs.Insert
					if c.method == "set" {
						usage = refs.Update
					}
					vals := []*jsVal{c.arg(0)}
					if a := c.arg(0); a != nil && a.kind == jsArray {
						vals = a.vals
					}
					for _, obj := range vals {
						if obj == nil || obj.kind != jsObject {
							continue
						}
						for i, k := range obj.keys {
							if col, ok := t.keys[k]; ok {
								out = append(out, columnRef(f.f, refs.Drizzle, obj.koffs[i], t.table, col, usage, refs.Resolved))
							}
						}
					}
				}
			}
		}
	}
	return out
}

// drizzleColumnName returns the name a column builder chain gives:
// text("name").notNull() -> "name"; "" when the builder names none.
func drizzleColumnName(v *jsVal) string {
	_, calls := v.steps()
	if len(calls) == 0 {
		return ""
	}
	s, _ := calls[0].arg(0).isStr()
	return s
}

// drizzleSnake is drizzle's casing "snake_case": words split at case
// changes and digits, lower-cased and joined with "_".
func drizzleSnake(s string) string {
	var words []string
	i := 0
	for i < len(s) {
		c := s[i]
		j := i + 1
		switch {
		case isLower(c) || isDigit(c):
			for j < len(s) && (isLower(s[j]) || isDigit(s[j])) {
				j++
			}
		case isUpper(c):
			for j < len(s) && isUpper(s[j]) {
				j++
			}
			switch {
			case j-i == 1:
				if j < len(s) && isLower(s[j]) {
					for j < len(s) && (isLower(s[j]) || isDigit(s[j])) {
						j++
					}
				}
			case j < len(s) && isLower(s[j]):
				j-- // the last capital starts the next word
			}
		default:
			i++
			continue
		}
		words = append(words, strings.ToLower(s[i:j]))
		i = j
	}
	return strings.Join(words, "_")
}
