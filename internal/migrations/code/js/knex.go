package js

import (
	"fmt"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

// knex translates Knex schema builder calls (knex.schema.createTable,
// table/alterTable callbacks, dropTable, renameTable, raw) into the SQL
// Knex's PostgreSQL dialect sends.
type knex struct{}

func (knex) call(w *walker, c *chain) bool {
	x := w.libCall(c)
	last, call, at, a, arg, fail := c.last(), x.node, x.at(), x.a, x.arg, x.fail
	// knex('users').where(...).update(...): the query builder.
	if c.links[0].name == "" {
		switch last.name {
		case "update", "insert", "del", "delete", "truncate", "upsert":
			w.rec.Note(migration.NoteDataMigration, w.f.span(call), "`%s` changes data through Knex's query builder: schemagate does not check it", w.f.short(call))
		}
		return true
	}
	switch last.name {
	case "raw":
		// ? and :name bindings are filled when it runs.
		return x.sql(func(string) bool { return len(a) > 1 })
	case "transaction":
		if fn := unwrap(arg(0)); fn != nil && isFunction(fn) {
			w.rec.Written("BEGIN", at)
			w.function(fn, roleHandle)
			w.rec.Written("COMMIT", at)
		} else {
			w.rec.Written("BEGIN", at)
		}
		return true
	case "schema", "withSchema", "fn", "ref", "client", "hasTable", "hasColumn", "destroy":
		return true
	}
	if _, ok := c.has("schema"); !ok {
		// knex.select(...), knex.from(...): queries.
		switch last.name {
		case "select", "from", "table", "where", "into":
			return true
		}
		return false
	}
	schema := ""
	if l, ok := c.has("withSchema"); ok && len(l.args()) == 1 {
		s, ok := w.plain(l.args()[0])
		if !ok {
			return fail("a schema name")
		}
		schema = s
	}
	switch last.name {
	case "createTable", "createTableIfNotExists", "table", "alterTable":
		name, ok := w.plain(arg(0))
		if !ok {
			return fail("a table name")
		}
		tb := &knexTable{w: w, table: table(schema, name, true), name: name, create: strings.HasPrefix(last.name, "create"), ifNotExists: last.name == "createTableIfNotExists", at: call}
		if fn := unwrap(arg(1)); fn != nil && isFunction(fn) {
			tb.body(fn)
		} else if arg(1) != nil {
			return fail("a table callback")
		}
		tb.flush()
	case "dropTable", "dropTableIfExists":
		name, ok := w.plain(arg(0))
		if !ok {
			return fail("a table name")
		}
		ifExists := ""
		if last.name == "dropTableIfExists" {
			ifExists = "if exists "
		}
		w.rec.Written(fmt.Sprintf("drop table %s%s", ifExists, table(schema, name, true)), at)
	case "renameTable":
		from, ok := w.plain(arg(0))
		to, ok2 := w.plain(arg(1))
		if !ok || !ok2 {
			return fail("a table name")
		}
		w.rec.Written(fmt.Sprintf("alter table %s rename to %s", table(schema, from, true), quote(to)), at)
	case "createSchema", "createSchemaIfNotExists", "dropSchema", "dropSchemaIfExists":
		name, ok := w.plain(arg(0))
		if !ok {
			return fail("a schema name")
		}
		verb := map[string]string{"createSchema": "create schema ", "createSchemaIfNotExists": "create schema if not exists ", "dropSchema": "drop schema ", "dropSchemaIfExists": "drop schema if exists "}[last.name]
		w.rec.Written(verb+quote(name), at)
	default:
		return false
	}
	return true
}

// knexTable collects what a createTable or table/alterTable callback
// does, as Knex does before it writes the statements.
type knexTable struct {
	w           *walker
	table, name string
	create      bool
	ifNotExists bool
	at          *sitter.Node

	cols   []column
	colAt  []*sitter.Node
	after  []pending // statements after the CREATE TABLE or the ADD COLUMNs
	before []pending // alter statements in order (drops, renames)
}

type pending struct {
	sql string
	at  *sitter.Node
}

// knexTypes are Knex's column methods and the PostgreSQL type each
// gives; "" means the type depends on the arguments.
var knexTypes = map[string]string{
	"increments": "serial", "bigIncrements": "bigserial", "integer": "integer", "bigInteger": "bigint",
	"bigint": "bigint", "smallint": "smallint", "tinyint": "smallint", "mediumint": "integer",
	"text": "text", "string": "", "float": "", "double": "", "decimal": "", "boolean": "boolean",
	"date": "date", "datetime": "timestamptz", "timestamp": "timestamptz", "time": "time",
	"binary": "bytea", "json": "json", "jsonb": "jsonb", "uuid": "uuid", "specificType": "",
	"enu": "", "enum": "", "geometry": "geometry", "geography": "geography", "point": "point",
}

// body reads the statements of the callback: table.<method>(...) chains.
func (t *knexTable) body(fn *sitter.Node) {
	params := t.w.f.params(fn)
	if len(params) == 0 || params[0] == "" {
		return
	}
	b := fn.ChildByFieldName("body")
	if b == nil {
		return
	}
	t.w.candidates(b)
	stmts := []*sitter.Node{b}
	if b.Type() == "statement_block" {
		stmts = named(b)
	}
	for _, s := range stmts {
		e := s
		if s.Type() == "expression_statement" {
			if k := named(s); len(k) == 1 {
				e = k[0]
			}
		}
		e = unwrap(e)
		if e == nil || e.Type() == "comment" {
			continue
		}
		c := t.chain(e, params[0])
		if c == nil {
			t.w.unreadable(s, "`%s` in a Knex table callback is not a call schemagate can read: it is not checked", t.w.f.short(s))
			continue
		}
		t.statement(c)
	}
}

// chain reads a call chain rooted at the table builder.
func (t *knexTable) chain(e *sitter.Node, param string) *chain {
	if e.Type() != "call_expression" {
		return nil
	}
	t.w.push()
	t.w.setRole(param, roleHandle)
	c := t.w.chainOf(e)
	t.w.pop()
	if c == nil || c.root != param || c.links[0].call == nil {
		return nil
	}
	return c
}

func (t *knexTable) statement(c *chain) {
	w, first := t.w, c.links[0]
	x := libCall{w, c.node, first.args()} // the builder's call, first in its chain
	call, a, fail := x.node, x.a, x.fail
	switch first.name {
	case "dropColumn", "dropColumns":
		var cols []string
		for _, x := range a {
			names, ok := w.names(x)
			if !ok {
				fail("a column name")
				return
			}
			cols = append(cols, names...)
		}
		parts := make([]string, len(cols))
		for i, col := range cols {
			parts[i] = "drop column " + quote(col)
		}
		t.before = append(t.before, pending{fmt.Sprintf("alter table %s %s", t.table, strings.Join(parts, ", ")), call})
	case "renameColumn":
		if len(a) != 2 {
			fail("a column name")
			return
		}
		from, ok := w.plain(a[0])
		to, ok2 := w.plain(a[1])
		if !ok || !ok2 {
			fail("a column name")
			return
		}
		t.before = append(t.before, pending{fmt.Sprintf("alter table %s rename %s to %s", t.table, quote(from), quote(to)), call})
	case "timestamps":
		// timestamps(useTimestamps, defaultToNow): NOT NULL DEFAULT now
		// with the second.
		notNull := len(a) > 1 && unwrap(a[1]).Type() == "true"
		for _, n := range []string{"created_at", "updated_at"} {
			col := column{name: n, typ: "timestamptz", notNull: notNull}
			if notNull {
				col.def = "CURRENT_TIMESTAMP"
			}
			t.cols = append(t.cols, col)
			t.colAt = append(t.colAt, call)
		}
	case "dropTimestamps":
		t.before = append(t.before, pending{fmt.Sprintf("alter table %s drop column %s, drop column %s", t.table, quote("created_at"), quote("updated_at")), call})
	case "primary", "unique", "index":
		cols, ok := w.names(firstArg(a))
		if !ok {
			fail("a column list")
			return
		}
		name := t.name + "_" + strings.Join(cols, "_") + map[string]string{"primary": "_pkey", "unique": "_unique", "index": "_index"}[first.name]
		if len(a) > 1 {
			if s, ok := w.plain(a[1]); ok {
				name = s
			} else if _, kv, ok := w.f.pairs(a[1]); ok {
				if s, ok := w.plain(kv["indexName"]); ok {
					name = s
				}
			}
		}
		switch first.name {
		case "primary":
			t.after = append(t.after, pending{fmt.Sprintf("alter table %s add constraint %s primary key (%s)", t.table, quote(name), quoteAll(cols)), call})
		case "unique":
			t.after = append(t.after, pending{fmt.Sprintf("alter table %s add constraint %s unique (%s)", t.table, quote(name), quoteAll(cols)), call})
		default:
			t.after = append(t.after, pending{fmt.Sprintf("create index %s on %s (%s)", quote(name), t.table, quoteAll(cols)), call})
		}
	case "dropIndex", "dropUnique", "dropPrimary", "dropForeign":
		cols, _ := w.names(firstArg(a))
		suffix := map[string]string{"dropIndex": "_index", "dropUnique": "_unique", "dropPrimary": "_pkey", "dropForeign": "_foreign"}[first.name]
		name := t.name + "_" + strings.Join(cols, "_") + suffix
		if len(a) > 1 {
			if s, ok := w.plain(a[1]); ok {
				name = s
			}
		} else if first.name == "dropPrimary" && len(a) == 1 {
			if s, ok := w.plain(a[0]); ok {
				name = s
			}
		}
		if first.name == "dropPrimary" && len(a) == 0 {
			name = t.name + "_pkey"
		}
		if first.name == "dropIndex" {
			t.before = append(t.before, pending{"drop index " + quote(name), call})
		} else {
			t.before = append(t.before, pending{fmt.Sprintf("alter table %s drop constraint %s", t.table, quote(name)), call})
		}
	case "foreign":
		t.foreign(c)
	default:
		if _, ok := knexTypes[first.name]; ok {
			t.column(c)
			return
		}
		fail("a table builder method")
	}
}

// column reads t.<type>(name, ...).<modifier>()... as a column.
func (t *knexTable) column(c *chain) {
	w, first := t.w, c.links[0]
	x := libCall{w, c.node, first.args()} // the builder's call, first in its chain
	call, a, fail := x.node, x.a, x.fail
	name := "id"
	if len(a) > 0 {
		s, ok := w.plain(a[0])
		if !ok {
			fail("a column name")
			return
		}
		name = s
	} else if first.name != "increments" && first.name != "bigIncrements" {
		fail("a column name")
		return
	}
	num := func(i int, def string) string {
		if i < len(a) {
			if s, ok := w.f.number(a[i]); ok {
				return s
			}
		}
		return def
	}
	col := column{name: name, typ: knexTypes[first.name]}
	switch first.name {
	case "increments", "bigIncrements":
		col.primary = true
	case "string":
		col.typ = "varchar(" + num(1, "255") + ")"
	case "float":
		col.typ = "real"
	case "double":
		col.typ = "double precision"
	case "decimal":
		col.typ = "decimal(" + num(1, "8") + ", " + num(2, "2") + ")"
	case "specificType":
		s, ok := w.plain(argAt(a, 1))
		if !ok {
			fail("a type")
			return
		}
		col.typ = s
	case "enu", "enum":
		vals := unwrap(argAt(a, 1))
		var lits []string
		for _, v := range named(vals) {
			s, ok := w.plain(v)
			if !ok {
				fail("an enum value")
				return
			}
			lits = append(lits, literal(s))
		}
		if len(lits) == 0 {
			fail("the enum values")
			return
		}
		col.typ = "text"
		col.check = quote(name) + " in (" + strings.Join(lits, ", ") + ")"
	}
	alter := false
	var after []pending
	for _, m := range c.links[1:] {
		ma := m.args()
		switch m.name {
		case "notNullable":
			col.notNull = true
		case "nullable":
			col.notNull = false
		case "defaultTo":
			d, ok := knexDefault(w, firstArg(ma))
			if !ok {
				fail("a default")
				return
			}
			col.def = d
		case "primary":
			col.primary = true
		case "unique":
			after = append(after, pending{fmt.Sprintf("alter table %s add constraint %s unique (%s)", t.table, quote(t.name+"_"+name+"_unique"), quote(name)), call})
		case "index":
			idx := t.name + "_" + name + "_index"
			if s, ok := w.plain(firstArg(ma)); ok {
				idx = s
			}
			after = append(after, pending{fmt.Sprintf("create index %s on %s (%s)", quote(idx), t.table, quote(name)), call})
		case "references":
			ref, ok := w.plain(firstArg(ma))
			if !ok {
				fail("a reference")
				return
			}
			col.references = knexReference(ref, c.links[1:], w)
		case "alter":
			alter = true
		case "unsigned", "comment", "after", "first", "collate", "inTable", "onDelete", "onUpdate", "withKeyName", "deferrable", "checkPositive":
		default:
			fail("a column modifier")
			return
		}
	}
	if alter {
		t.alterColumn(col, call)
		return
	}
	t.cols = append(t.cols, col)
	t.colAt = append(t.colAt, call)
	t.after = append(t.after, after...)
}

// knexReference writes references('id').inTable('users') or
// references('users.id') with onDelete.
func knexReference(ref string, mods []link, w *walker) string {
	tbl, col := "", ref
	if t, c, ok := strings.Cut(ref, "."); ok {
		tbl, col = t, c
	}
	clause := ""
	for _, m := range mods {
		switch m.name {
		case "inTable":
			if s, ok := w.plain(firstArg(m.args())); ok {
				tbl = s
			}
		case "onDelete":
			if s, ok := w.plain(firstArg(m.args())); ok {
				clause += " on delete " + s
			}
		}
	}
	if tbl == "" {
		return ""
	}
	return "references " + table("", tbl, true) + " (" + quote(col) + ")" + clause
}

// knexDefault is a defaultTo value: a constant or knex.fn.now() /
// knex.raw('...').
func knexDefault(w *walker, v *sitter.Node) (string, bool) {
	if s, ok := w.constValue(v); ok {
		return s, true
	}
	u := unwrap(v)
	if u != nil && u.Type() == "call_expression" {
		if c := w.chainOf(u); c != nil && c.role == roleHandle {
			switch c.last().name {
			case "now":
				return "CURRENT_TIMESTAMP", true
			case "raw":
				return w.plain(firstArg(c.last().args()))
			}
		}
	}
	return "", false
}

// alterColumn writes what .alter() sends: the type, then nullability
// and default.
func (t *knexTable) alterColumn(col column, at *sitter.Node) {
	q := quote(col.name)
	t.before = append(t.before, pending{fmt.Sprintf("alter table %s alter column %s drop default", t.table, q), at})
	t.before = append(t.before, pending{fmt.Sprintf("alter table %s alter column %s drop not null", t.table, q), at})
	t.before = append(t.before, pending{fmt.Sprintf("alter table %s alter column %s type %s using (%s::%s)", t.table, q, col.typ, q, col.typ), at})
	if col.def != "" {
		t.before = append(t.before, pending{fmt.Sprintf("alter table %s alter column %s set default %s", t.table, q, col.def), at})
	}
	if col.notNull {
		t.before = append(t.before, pending{fmt.Sprintf("alter table %s alter column %s set not null", t.table, q), at})
	}
}

// foreign reads t.foreign('user_id').references('id').inTable('users').
func (t *knexTable) foreign(c *chain) {
	w := t.w
	cols, ok := w.names(firstArg(c.links[0].args()))
	ref := ""
	for _, m := range c.links[1:] {
		if m.name == "references" {
			ref, _ = w.plain(firstArg(m.args()))
		}
	}
	clause := ""
	if ref != "" {
		clause = knexReference(ref, c.links[1:], w)
	}
	if !ok || clause == "" {
		w.cannot(c.node, "a foreign key")
		return
	}
	name := t.name + "_" + strings.Join(cols, "_") + "_foreign"
	t.after = append(t.after, pending{fmt.Sprintf("alter table %s add constraint %s foreign key (%s) %s", t.table, quote(name), quoteAll(cols), clause), c.node})
}

// flush sends the statements in Knex's order: for a new table the CREATE
// TABLE then the indexes and constraints; for an existing one the added
// columns (one ALTER TABLE), with the drops and renames in their order.
func (t *knexTable) flush() {
	w := t.w
	send := func(sql string, at *sitter.Node) { w.rec.Written(sql, w.where(at)) }
	if t.create {
		defs := make([]string, len(t.cols))
		for i, c := range t.cols {
			defs[i] = c.sql()
		}
		ifNot := ""
		if t.ifNotExists {
			ifNot = "if not exists "
		}
		send(fmt.Sprintf("create table %s%s (%s)", ifNot, t.table, strings.Join(defs, ", ")), t.at)
	} else if len(t.cols) > 0 {
		for i, c := range t.cols {
			send(fmt.Sprintf("alter table %s add column %s", t.table, c.sql()), t.colAt[i])
		}
	}
	for _, p := range t.before {
		send(p.sql, p.at)
	}
	for _, p := range t.after {
		send(p.sql, p.at)
	}
}
