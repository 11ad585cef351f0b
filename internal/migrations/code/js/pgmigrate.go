package js

import (
	"fmt"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// nodePgMigrate translates node-pg-migrate's MigrationBuilder calls
// (pgm.sql and the plain builder calls) into the SQL it sends.
type nodePgMigrate struct {
	// shorthands are the file's exports.shorthands column types.
	shorthands map[string]*sitter.Node
}

// pgmTable reads a table argument: "name" or { schema, name }.
func (w *walker) pgmTable(n *sitter.Node) (string, bool) {
	if s, ok := w.plain(n); ok {
		return table("", s, false), true
	}
	if _, kv, ok := w.f.pairs(n); ok {
		name, ok := w.plain(kv["name"])
		if !ok {
			return "", false
		}
		schema := ""
		if v := kv["schema"]; v != nil {
			if schema, ok = w.plain(v); !ok {
				return "", false
			}
		}
		return table(schema, name, false), true
	}
	return "", false
}

func (l *nodePgMigrate) call(w *walker, c *chain) bool {
	if len(c.links) != 1 {
		return false
	}
	x := w.libCall(c)
	at, a, arg := x.at(), x.a, x.arg
	opts := func(i int) map[string]*sitter.Node {
		_, kv, _ := w.f.pairs(arg(i))
		return kv
	}
	flag := func(kv map[string]*sitter.Node, k string) bool {
		v := unwrap(kv[k])
		return v != nil && v.Type() == "true"
	}
	fail := x.fail
	switch name := c.last().name; name {
	case "sql":
		// {name} placeholders are filled from the arguments.
		x.sql(func(text string) bool { return len(a) > 1 && strings.Contains(text, "{") })
	case "noTransaction", "func", "literal":
	case "dropColumn", "dropColumns":
		t, ok := w.pgmTable(arg(0))
		cols, ok2 := w.names(arg(1))
		if !ok2 {
			if keys, _, isObj := w.f.pairs(arg(1)); isObj && len(keys) > 0 {
				cols, ok2 = keys, true
			}
		}
		if !ok || !ok2 {
			return fail("a table or column")
		}
		o := opts(2)
		var parts []string
		for _, col := range cols {
			p := "DROP "
			if flag(o, "ifExists") {
				p += "IF EXISTS "
			}
			p += quote(col)
			if flag(o, "cascade") {
				p += " CASCADE"
			}
			parts = append(parts, p)
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s %s;", t, strings.Join(parts, ", ")), at)
	case "renameColumn":
		t, ok := w.pgmTable(arg(0))
		return x.renameColumn(t, ok, w.plain, "ALTER TABLE %s RENAME %s TO %s;")
	case "addColumn", "addColumns":
		t, ok := w.pgmTable(arg(0))
		keys, kv, ok2 := w.f.pairs(arg(1))
		if !ok || !ok2 || len(keys) == 0 {
			return fail("a table or column definition")
		}
		ifNot := ""
		if flag(opts(2), "ifNotExists") {
			ifNot = "IF NOT EXISTS "
		}
		var parts []string
		for _, k := range keys {
			col, ok := l.column(w, k, kv[k])
			if !ok {
				return fail("a column definition")
			}
			parts = append(parts, "ADD "+ifNot+col.sql())
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s %s;", t, strings.Join(parts, ",\n  ")), at)
	case "alterColumn":
		t, ok := w.pgmTable(arg(0))
		col, ok2 := w.plain(arg(1))
		kv := opts(2)
		if !ok || !ok2 || kv == nil {
			return fail("a table, column or option")
		}
		var parts []string
		if v := kv["default"]; v != nil {
			if unwrap(v).Type() == "null" {
				parts = append(parts, "ALTER "+quote(col)+" DROP DEFAULT")
			} else if d, ok := l.defaultValue(w, v); ok {
				parts = append(parts, "ALTER "+quote(col)+" SET DEFAULT "+d)
			} else {
				return fail("a default")
			}
		}
		if v := kv["type"]; v != nil {
			typ, ok := w.plain(v)
			if !ok {
				return fail("a type")
			}
			p := "ALTER " + quote(col) + " SET DATA TYPE " + typ
			if u, ok := w.plain(kv["using"]); ok {
				p += " USING " + u
			}
			parts = append(parts, p)
		}
		if v := unwrap(kv["notNull"]); v != nil {
			switch v.Type() {
			case "true":
				parts = append(parts, "ALTER "+quote(col)+" SET NOT NULL")
			case "false":
				parts = append(parts, "ALTER "+quote(col)+" DROP NOT NULL")
			default:
				return fail("a notNull option")
			}
		}
		if len(parts) == 0 {
			return fail("an option")
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s %s;", t, strings.Join(parts, ",\n  ")), at)
	case "createTable":
		t, ok := w.pgmTable(arg(0))
		keys, kv, ok2 := w.f.pairs(arg(1))
		if !ok || !ok2 {
			return fail("a table or column definition")
		}
		var cols []string
		for _, k := range keys {
			col, ok := l.column(w, k, kv[k])
			if !ok {
				return fail("a column definition")
			}
			cols = append(cols, col.sql())
		}
		ifNot := ""
		if flag(opts(2), "ifNotExists") {
			ifNot = "IF NOT EXISTS "
		}
		w.rec.Written(fmt.Sprintf("CREATE TABLE %s%s (\n  %s\n);", ifNot, t, strings.Join(cols, ",\n  ")), at)
	case "dropTable":
		t, ok := w.pgmTable(arg(0))
		if !ok {
			return fail("a table")
		}
		o := opts(1)
		sql := "DROP TABLE "
		if flag(o, "ifExists") {
			sql += "IF EXISTS "
		}
		sql += t
		if flag(o, "cascade") {
			sql += " CASCADE"
		}
		w.rec.Written(sql+";", at)
	case "renameTable":
		t, ok := w.pgmTable(arg(0))
		to, ok2 := w.plain(arg(1))
		if !ok || !ok2 {
			return fail("a table")
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s RENAME TO %s;", t, quote(to)), at)
	case "createIndex", "addIndex", "dropIndex":
		tname, tableOK := w.nameArg(arg(0))
		t, _ := w.pgmTable(arg(0))
		cols, ok := w.names(arg(1))
		if !tableOK || !ok {
			return fail("a table or column")
		}
		o := opts(2)
		idx := tname + "_" + strings.Join(cols, "_")
		if flag(o, "unique") {
			idx += "_unique"
		}
		idx += "_index"
		if s, ok := w.plain(o["name"]); ok {
			idx = s
		}
		if name == "dropIndex" {
			sql := "DROP INDEX "
			if flag(o, "concurrently") {
				sql += "CONCURRENTLY "
			}
			if flag(o, "ifExists") {
				sql += "IF EXISTS "
			}
			w.rec.Written(sql+quote(idx)+";", at)
			return true
		}
		ix := createIndex{name: idx, table: t, columns: cols, unique: flag(o, "unique"), concurrently: flag(o, "concurrently"), ifNotExists: flag(o, "ifNotExists"),
			method: w.given(o["method"]), where: w.given(o["where"])}
		w.rec.Written(ix.sql()+";", at)
	default:
		return false
	}
	return true
}

// column reads a node-pg-migrate column definition: a type string (or
// shorthand), or { type, notNull, default, primaryKey, unique,
// references, onDelete, check }.
func (l *nodePgMigrate) column(w *walker, name string, def *sitter.Node) (column, bool) {
	col := column{name: name}
	if s, ok := w.plain(def); ok {
		if sh, ok := l.shorthand(s); ok {
			return l.column(w, name, sh)
		}
		col.typ = s
		if s == "id" {
			col.typ, col.primary = "serial", true
		}
		return col, true
	}
	keys, kv, ok := w.f.pairs(def)
	if !ok {
		return col, false
	}
	if t, ok := w.plain(kv["type"]); ok {
		if sh, ok := l.shorthand(t); ok {
			base, ok := l.column(w, name, sh)
			if !ok {
				return col, false
			}
			col = base
		} else {
			col.typ = t
		}
	}
	if col.typ == "" {
		return col, false
	}
	for _, k := range keys {
		v := unwrap(kv[k])
		switch k {
		case "type", "comment", "collation", "deferrable", "deferred", "onUpdate", "match":
		case "notNull":
			col.notNull = v.Type() == "true"
		case "primaryKey":
			col.primary = v.Type() == "true"
		case "unique":
			col.unique = v.Type() == "true"
		case "default":
			d, ok := l.defaultValue(w, v)
			if !ok {
				return col, false
			}
			col.def = d
		case "references":
			ref, ok := w.pgmTable(v)
			if !ok {
				return col, false
			}
			col.references = "REFERENCES " + ref
			if od, ok := w.plain(kv["onDelete"]); ok {
				col.references += " ON DELETE " + od
			}
		case "onDelete":
		case "check":
			s, ok := w.plain(v)
			if !ok {
				return col, false
			}
			col.check = s
		default:
			return col, false
		}
	}
	return col, true
}

// defaultValue is a column default: a constant, or pgm.func('now()').
func (l *nodePgMigrate) defaultValue(w *walker, v *sitter.Node) (string, bool) {
	if s, ok := w.constValue(v); ok {
		return s, true
	}
	u := unwrap(v)
	if u != nil && u.Type() == "call_expression" {
		if c := w.chainOf(u); c != nil && c.role == roleHandle && c.last().name == "func" && len(c.last().args()) == 1 {
			return w.plain(c.last().args()[0])
		}
	}
	return "", false
}

func (l *nodePgMigrate) shorthand(name string) (*sitter.Node, bool) {
	sh, ok := l.shorthands[name]
	return sh, ok
}

// shorthandsOf reads exports.shorthands = { ... } of a file.
func shorthandsOf(f *jsFile) map[string]*sitter.Node {
	out := map[string]*sitter.Node{}
	for _, n := range named(f.root) {
		var right *sitter.Node
		switch n.Type() {
		case "expression_statement":
			k := named(n)
			if len(k) == 1 && k[0].Type() == "assignment_expression" && f.text(k[0].ChildByFieldName("left")) == "exports.shorthands" {
				right = k[0].ChildByFieldName("right")
			}
		case "export_statement":
			if d := n.ChildByFieldName("declaration"); d != nil {
				for _, v := range named(d) {
					if v.Type() == "variable_declarator" && f.text(v.ChildByFieldName("name")) == "shorthands" {
						right = v.ChildByFieldName("value")
					}
				}
			}
		}
		if _, kv, ok := f.pairs(right); ok {
			for k, v := range kv {
				out[k] = v
			}
		}
	}
	return out
}
