package js

import (
	"fmt"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// typeorm translates QueryRunner calls (queryRunner.query and the plain
// schema methods: addColumn with a TableColumn, dropColumn,
// renameColumn, createTable, dropTable, renameTable, createIndex) into
// the SQL TypeORM's PostgresQueryRunner sends.
type typeorm struct{}

// ormTable reads a table argument: a name, a `new Table({ name })`, or a
// variable holding `await queryRunner.getTable("name")`.
func (w *walker) ormTable(n *sitter.Node) (string, bool) {
	u := unwrap(n)
	if u != nil && u.Type() == "identifier" {
		if v := w.lookup(u); v != nil && v != u {
			u = unwrap(v)
		}
	}
	if s, ok := w.plain(u); ok {
		return table("", s, true), true
	}
	if u == nil {
		return "", false
	}
	switch u.Type() {
	case "call_expression":
		if c := w.chainOf(u); c != nil && c.role == roleHandle && c.last().name == "getTable" {
			if s, ok := w.plain(firstArg(c.last().args())); ok {
				return table("", s, true), true
			}
		}
	case "new_expression":
		if _, kv, ok := w.f.pairs(firstArg(named(u.ChildByFieldName("arguments")))); ok {
			if s, ok := w.plain(kv["name"]); ok {
				return table("", s, true), true
			}
		}
	}
	return "", false
}

// ormOptions reads `new TableColumn({...})` / `new TableIndex({...})`
// or a plain object.
func (w *walker) ormOptions(n *sitter.Node) ([]string, map[string]*sitter.Node, bool) {
	u := unwrap(n)
	if u != nil && u.Type() == "new_expression" {
		u = firstArg(named(u.ChildByFieldName("arguments")))
	}
	return w.f.pairs(u)
}

func (typeorm) call(w *walker, c *chain) bool {
	x := w.libCall(c)
	last, at, arg, fail := c.last(), x.at(), x.arg, x.fail
	if len(c.links) > 1 {
		// queryRunner.manager.query(...), queryRunner.connection.query(...)
		if _, ok := c.has("manager"); !ok {
			if _, ok := c.has("connection"); !ok {
				return false
			}
		}
		if last.name != "query" || len(c.links) != 2 {
			return false
		}
	}
	switch last.name {
	case "query":
		x.sql(nil)
	case "startTransaction":
		w.rec.Written("START TRANSACTION", at)
	case "commitTransaction":
		w.rec.Written("COMMIT", at)
	case "rollbackTransaction", "getTable", "getTables", "hasTable", "hasColumn", "hasSchema", "release", "connect", "clearSqlMemory", "loadTables":
	case "dropColumn", "dropColumns":
		t, ok := w.ormTable(arg(0))
		if !ok {
			return fail("a table")
		}
		var cols []string
		if names, ok := w.names(arg(1)); ok {
			cols = names
		} else {
			list := []*sitter.Node{arg(1)}
			if u := unwrap(arg(1)); u != nil && u.Type() == "array" {
				list = named(u)
			}
			for _, x := range list {
				_, kv, ok := w.ormOptions(x)
				name, ok2 := w.plain(kv["name"])
				if !ok || !ok2 {
					return fail("a column")
				}
				cols = append(cols, name)
			}
		}
		for _, col := range cols {
			w.rec.Written(fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s", t, quote(col)), at)
		}
	case "renameColumn":
		t, ok := w.ormTable(arg(0))
		return x.renameColumn(t, ok, w.nameArg, "ALTER TABLE %s RENAME COLUMN %s TO %s")
	case "addColumn", "addColumns":
		t, ok := w.ormTable(arg(0))
		if !ok {
			return fail("a table")
		}
		list := []*sitter.Node{arg(1)}
		if u := unwrap(arg(1)); u != nil && u.Type() == "array" {
			list = named(u)
		}
		for _, x := range list {
			col, ok := ormColumn(w, x)
			if !ok {
				return fail("a column definition")
			}
			w.rec.Written(fmt.Sprintf("ALTER TABLE %s ADD %s", t, col.sql()), at)
		}
	case "createTable":
		_, kv, ok := w.ormOptions(arg(0))
		name, ok2 := w.plain(kv["name"])
		if !ok || !ok2 {
			return fail("a table definition")
		}
		var defs []string
		for _, x := range named(unwrap(kv["columns"])) {
			col, ok := ormColumn(w, x)
			if !ok {
				return fail("a column definition")
			}
			defs = append(defs, col.sql())
		}
		ifNot := ""
		if u := unwrap(arg(1)); u != nil && u.Type() == "true" {
			ifNot = "IF NOT EXISTS "
		}
		w.rec.Written(fmt.Sprintf("CREATE TABLE %s%s (%s)", ifNot, table("", name, true), strings.Join(defs, ", ")), at)
	case "dropTable":
		t, ok := w.ormTable(arg(0))
		if !ok {
			return fail("a table")
		}
		ifExists := ""
		if u := unwrap(arg(1)); u != nil && u.Type() == "true" {
			ifExists = "IF EXISTS "
		}
		w.rec.Written(fmt.Sprintf("DROP TABLE %s%s", ifExists, t), at)
	case "renameTable":
		t, ok := w.ormTable(arg(0))
		to, ok2 := w.plain(arg(1))
		if !ok || !ok2 {
			return fail("a table")
		}
		if _, n, ok := strings.Cut(to, "."); ok {
			to = n
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s RENAME TO %s", t, quote(to)), at)
	case "createIndex", "dropIndex":
		t, ok := w.ormTable(arg(0))
		if !ok {
			return fail("a table")
		}
		if last.name == "dropIndex" {
			name, ok := w.plain(arg(1))
			if !ok {
				_, kv, ok2 := w.ormOptions(arg(1))
				if name, ok = w.plain(kv["name"]); !ok || !ok2 {
					return fail("an index")
				}
			}
			w.rec.Written("DROP INDEX "+quote(name), at)
			return true
		}
		_, kv, ok := w.ormOptions(arg(1))
		name, ok2 := w.plain(kv["name"])
		cols, ok3 := w.names(kv["columnNames"])
		if !ok || !ok2 || !ok3 {
			return fail("an index definition")
		}
		u := unwrap(kv["isUnique"])
		ix := createIndex{name: name, table: t, columns: cols, unique: u != nil && u.Type() == "true", where: w.given(kv["where"])}
		w.rec.Written(ix.sql(), at)
	default:
		return false
	}
	return true
}

// ormTypes are TypeORM's column type aliases and what PostgreSQL calls
// them; other names are sent as written.
var ormTypes = map[string]string{
	"int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
	"varchar": "character varying", "string": "character varying", "bool": "boolean",
	"float": "real", "double": "double precision", "datetime": "timestamp",
}

// ormColumn reads a TableColumn: name, type, length, precision, scale,
// isNullable (false by default: NOT NULL), default (SQL as written),
// isPrimary, isGenerated with generationStrategy "increment", isUnique,
// isArray.
func ormColumn(w *walker, n *sitter.Node) (column, bool) {
	keys, kv, ok := w.ormOptions(n)
	if !ok {
		return column{}, false
	}
	name, ok := w.plain(kv["name"])
	typ, ok2 := w.plain(kv["type"])
	if !ok || !ok2 {
		return column{}, false
	}
	if t, ok := ormTypes[strings.ToLower(typ)]; ok {
		typ = t
	}
	col := column{name: name, typ: typ, notNull: true}
	isTrue := func(k string) bool { v := unwrap(kv[k]); return v != nil && v.Type() == "true" }
	for _, k := range keys {
		v := kv[k]
		switch k {
		case "name", "type", "comment", "charset", "collation", "enumName", "primaryKeyConstraintName", "foreignKeyConstraintName":
		case "length":
			l, ok := w.f.number(v)
			if !ok {
				if l, ok = w.plain(v); !ok {
					return col, false
				}
			}
			col.typ += "(" + l + ")"
		case "precision":
			p, ok := w.f.number(v)
			if !ok {
				return col, false
			}
			if s, ok := w.f.number(kv["scale"]); ok {
				p += "," + s
			}
			col.typ += "(" + p + ")"
		case "scale":
		case "isNullable":
			col.notNull = !isTrue(k)
		case "isPrimary":
			col.primary = isTrue(k)
		case "isUnique":
			col.unique = isTrue(k)
		case "isArray":
			if isTrue(k) {
				col.typ += " array"
			}
		case "isGenerated":
			if isTrue(k) {
				strategy, _ := w.plain(kv["generationStrategy"])
				switch {
				case strategy == "uuid":
					col.def = "uuid_generate_v4()"
				case col.typ == "bigint":
					col.typ = "bigserial"
				default:
					col.typ = "serial"
				}
			}
		case "generationStrategy":
		case "default":
			// TypeORM puts the default into the SQL as written.
			if s, ok := w.f.number(v); ok {
				col.def = s
			} else if s, ok := w.plain(v); ok {
				col.def = s
			} else if u := unwrap(v); u != nil && (u.Type() == "true" || u.Type() == "false" || u.Type() == "null") {
				col.def = u.Type()
			} else {
				return col, false
			}
		default:
			return col, false
		}
	}
	return col, true
}
