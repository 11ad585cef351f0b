package js

import (
	"fmt"
	"strings"
	"unicode"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// sequelize translates QueryInterface calls (queryInterface.addColumn,
// removeColumn, renameColumn, createTable, addIndex, sequelize.query,
// ...) into the SQL Sequelize's PostgreSQL dialect sends.
type sequelize struct{}

// seqTable reads a table argument: "Users" or { tableName, schema }.
func (w *walker) seqTable(n *sitter.Node) (qualified, bare string, ok bool) {
	if s, ok := w.plain(n); ok {
		return quote(s), s, true
	}
	if _, kv, ok := w.f.pairs(n); ok {
		name, ok := w.plain(kv["tableName"])
		if !ok {
			return "", "", false
		}
		schema := ""
		if v := kv["schema"]; v != nil {
			if schema, ok = w.plain(v); !ok {
				return "", "", false
			}
		}
		return table(schema, name, false), name, true
	}
	return "", "", false
}

func (sequelize) call(w *walker, c *chain) bool {
	x := w.libCall(c)
	last, call, at, a, arg, fail := c.last(), x.node, x.at(), x.a, x.arg, x.fail
	if _, viaSequelize := c.has("sequelize"); viaSequelize {
		switch last.name {
		case "query":
			// ? / :name / $1 are filled when it runs.
			return x.sql(func(string) bool {
				_, kv, ok := w.f.pairs(arg(1))
				return ok && (kv["replacements"] != nil || kv["bind"] != nil)
			})
		case "transaction":
			w.rec.Written("BEGIN", at)
			for _, x := range a {
				if fn := unwrap(x); isFunction(fn) {
					w.function(fn, roleTx)
					w.rec.Written("COMMIT", at)
				}
			}
			return true
		case "literal", "fn", "col", "where", "getQueryInterface":
			return true
		}
		return false
	}
	if len(c.links) != 1 {
		return false
	}
	switch last.name {
	case "addColumn":
		t, _, ok := w.seqTable(arg(0))
		name, ok2 := w.plain(arg(1))
		if !ok || !ok2 {
			return fail("a table or column")
		}
		col, ok := seqColumn(w, name, arg(2))
		if !ok {
			return fail("a column definition")
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s;", t, col.sql()), at)
	case "removeColumn":
		t, _, ok := w.seqTable(arg(0))
		name, ok2 := w.plain(arg(1))
		if !ok || !ok2 {
			return fail("a table or column")
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", t, quote(name)), at)
	case "renameColumn":
		t, _, ok := w.seqTable(arg(0))
		return x.renameColumn(t, ok, w.plain, "ALTER TABLE %s RENAME COLUMN %s TO %s;")
	case "changeColumn":
		t, _, ok := w.seqTable(arg(0))
		name, ok2 := w.plain(arg(1))
		col, ok3 := seqColumn(w, name, arg(2))
		if !ok || !ok2 || !ok3 {
			return fail("a table or column definition")
		}
		q := quote(name)
		null := "DROP NOT NULL"
		if col.notNull {
			null = "SET NOT NULL"
		}
		def := "DROP DEFAULT"
		if col.def != "" {
			def = "SET DEFAULT " + col.def
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s %s;ALTER TABLE %s ALTER COLUMN %s %s;ALTER TABLE %s ALTER COLUMN %s TYPE %s;", t, q, null, t, q, def, t, q, col.typ), at)
	case "createTable":
		t, _, ok := w.seqTable(arg(0))
		keys, kv, ok2 := w.f.pairs(arg(1))
		if !ok || !ok2 {
			return fail("a table or column definition")
		}
		var defs []string
		for _, k := range keys {
			col, ok := seqColumn(w, k, kv[k])
			if !ok {
				return fail("a column definition")
			}
			defs = append(defs, col.sql())
		}
		w.rec.Written(fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (%s);", t, strings.Join(defs, ", ")), at)
	case "dropTable":
		t, _, ok := w.seqTable(arg(0))
		if !ok {
			return fail("a table")
		}
		cascade := ""
		if _, kv, ok := w.f.pairs(arg(1)); ok && unwrap(kv["cascade"]) != nil && unwrap(kv["cascade"]).Type() == "true" {
			cascade = " CASCADE"
		}
		w.rec.Written(fmt.Sprintf("DROP TABLE IF EXISTS %s%s;", t, cascade), at)
	case "renameTable":
		t, _, ok := w.seqTable(arg(0))
		_, to, ok2 := w.seqTable(arg(1))
		if !ok || !ok2 {
			return fail("a table")
		}
		w.rec.Written(fmt.Sprintf("ALTER TABLE %s RENAME TO %s;", t, quote(to)), at)
	case "addIndex":
		t, bare, ok := w.seqTable(arg(0))
		if !ok {
			return fail("a table")
		}
		opts := arg(2)
		fields, ok := w.names(arg(1))
		if !ok {
			// addIndex(table, { fields, unique, name, concurrently })
			if _, kv, isObj := w.f.pairs(arg(1)); isObj {
				opts = arg(1)
				fields, ok = w.names(kv["fields"])
			}
		}
		if !ok {
			return fail("the index fields")
		}
		_, kv, _ := w.f.pairs(opts)
		isTrue := func(k string) bool { v := unwrap(kv[k]); return v != nil && v.Type() == "true" }
		name := underscore(bare + "_" + strings.Join(fields, "_"))
		if s, ok := w.plain(kv["name"]); ok {
			name = s
		}
		ix := createIndex{name: name, table: t, columns: fields, unique: isTrue("unique"), concurrently: isTrue("concurrently"), method: w.given(kv["using"])}
		w.rec.Written(ix.sql()+";", at)
	case "removeIndex":
		_, bare, ok := w.seqTable(arg(0))
		if !ok {
			return fail("a table")
		}
		name, ok := w.plain(arg(1))
		if !ok {
			fields, ok2 := w.names(arg(1))
			if !ok2 {
				return fail("an index")
			}
			name = underscore(bare + "_" + strings.Join(fields, "_"))
		}
		concurrently := ""
		if _, kv, ok := w.f.pairs(arg(2)); ok && unwrap(kv["concurrently"]) != nil && unwrap(kv["concurrently"]).Type() == "true" {
			concurrently = "CONCURRENTLY "
		}
		w.rec.Written(fmt.Sprintf("DROP INDEX %sIF EXISTS %s;", concurrently, quote(name)), at)
	case "bulkInsert", "bulkUpdate", "bulkDelete", "upsert", "insert", "delete", "update":
		w.rec.Note(migration.NoteDataMigration, w.f.span(call), "`%s` changes data: schemagate does not check it", w.f.short(call))
	case "describeTable", "showAllTables", "tableExists", "showIndex", "getForeignKeysForTables":
	default:
		return false
	}
	return true
}

// underscore is Sequelize's Utils.underscore for index names: words
// split at case changes, joined with _, lower case.
func underscore(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if unicode.IsUpper(r) && prev != 0 && (unicode.IsLower(prev) || unicode.IsDigit(prev)) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
		prev = r
	}
	return b.String()
}

// seqTypes are Sequelize's DataTypes and the PostgreSQL type each
// gives; "" means the arguments decide.
var seqTypes = map[string]string{
	"STRING": "", "CHAR": "", "TEXT": "TEXT", "CITEXT": "CITEXT", "INTEGER": "INTEGER", "BIGINT": "BIGINT",
	"SMALLINT": "SMALLINT", "TINYINT": "SMALLINT", "MEDIUMINT": "INTEGER", "FLOAT": "FLOAT", "REAL": "REAL",
	"DOUBLE": "DOUBLE PRECISION", "DECIMAL": "", "NUMERIC": "", "BOOLEAN": "BOOLEAN",
	"DATE": "TIMESTAMP WITH TIME ZONE", "DATEONLY": "DATE", "TIME": "TIME", "NOW": "TIMESTAMP WITH TIME ZONE",
	"UUID": "UUID", "JSON": "JSON", "JSONB": "JSONB", "BLOB": "BYTEA", "INET": "INET", "CIDR": "CIDR",
	"MACADDR": "MACADDR", "TSVECTOR": "TSVECTOR", "HSTORE": "HSTORE", "GEOMETRY": "GEOMETRY",
}

// seqType reads Sequelize.STRING, DataTypes.STRING(100),
// Sequelize.DECIMAL(10, 2), Sequelize.ARRAY(Sequelize.TEXT) or a type
// string.
func seqType(w *walker, n *sitter.Node) (string, bool) {
	u := unwrap(n)
	if u == nil {
		return "", false
	}
	if s, ok := w.plain(u); ok {
		return s, true
	}
	var args []*sitter.Node
	if u.Type() == "call_expression" {
		args = named(u.ChildByFieldName("arguments"))
		u = unwrap(u.ChildByFieldName("function"))
	}
	if u == nil || u.Type() != "member_expression" {
		return "", false
	}
	name := w.f.text(u.ChildByFieldName("property"))
	num := func(i int, def string) string {
		if i < len(args) {
			if s, ok := w.f.number(args[i]); ok {
				return s
			}
		}
		return def
	}
	switch name {
	case "STRING":
		return "VARCHAR(" + num(0, "255") + ")", true
	case "CHAR":
		return "CHAR(" + num(0, "255") + ")", true
	case "DECIMAL", "NUMERIC":
		if len(args) == 0 {
			return name, true
		}
		return name + "(" + num(0, "10") + "," + num(1, "0") + ")", true
	case "ARRAY":
		if len(args) != 1 {
			return "", false
		}
		t, ok := seqType(w, args[0])
		return t + "[]", ok
	}
	t, ok := seqTypes[name]
	return t, ok && t != ""
}

// seqColumn reads an attribute: a type, or { type, allowNull,
// defaultValue, primaryKey, autoIncrement, unique, references, field }.
func seqColumn(w *walker, name string, n *sitter.Node) (column, bool) {
	col := column{name: name}
	if t, ok := seqType(w, n); ok {
		col.typ = t
		return col, true
	}
	keys, kv, ok := w.f.pairs(n)
	if !ok {
		return col, false
	}
	t, ok := seqType(w, kv["type"])
	if !ok {
		return col, false
	}
	col.typ = t
	isTrue := func(k string) bool { v := unwrap(kv[k]); return v != nil && v.Type() == "true" }
	for _, k := range keys {
		v := unwrap(kv[k])
		switch k {
		case "type", "comment", "onUpdate", "validate", "get", "set", "values":
		case "field":
			s, ok := w.plain(v)
			if !ok {
				return col, false
			}
			col.name = s
		case "allowNull":
			col.notNull = v.Type() == "false"
		case "primaryKey":
			col.primary = isTrue(k)
		case "unique":
			col.unique = isTrue(k) || v.Type() == "string"
		case "autoIncrement":
			if isTrue(k) {
				switch col.typ {
				case "BIGINT":
					col.typ = "BIGSERIAL"
				default:
					col.typ = "SERIAL"
				}
			}
		case "defaultValue":
			d, ok := seqDefault(w, v)
			if !ok {
				return col, false
			}
			col.def = d
		case "references":
			_, rkv, ok := w.f.pairs(v)
			if !ok {
				return col, false
			}
			ref, _, ok := w.seqTable(rkv["model"])
			if !ok {
				return col, false
			}
			key := "id"
			if s, ok := w.plain(rkv["key"]); ok {
				key = s
			}
			col.references = "REFERENCES " + ref + " (" + quote(key) + ")"
			if s, ok := w.plain(kv["onDelete"]); ok {
				col.references += " ON DELETE " + strings.ToUpper(s)
			}
		case "onDelete":
		default:
			return col, false
		}
	}
	return col, true
}

// seqDefault is a defaultValue: a constant, Sequelize.NOW, fn('now'),
// literal('...'); UUIDV4 is filled in by Sequelize, not the database.
func seqDefault(w *walker, v *sitter.Node) (string, bool) {
	if s, ok := w.constValue(v); ok {
		return s, true
	}
	u := unwrap(v)
	if u == nil {
		return "", false
	}
	if u.Type() == "member_expression" {
		switch w.f.text(u.ChildByFieldName("property")) {
		case "NOW":
			return "CURRENT_TIMESTAMP", true
		}
	}
	if u.Type() == "call_expression" {
		fn := unwrap(u.ChildByFieldName("function"))
		if fn != nil && fn.Type() == "member_expression" {
			a := named(u.ChildByFieldName("arguments"))
			switch w.f.text(fn.ChildByFieldName("property")) {
			case "literal":
				if len(a) == 1 {
					return w.plain(a[0])
				}
			case "fn":
				if len(a) >= 1 {
					if s, ok := w.plain(a[0]); ok {
						return s + "()", true
					}
				}
			}
		}
	}
	return "", false
}
