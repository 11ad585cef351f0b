package rails

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// dsl maps the migration methods (ActiveRecord's SchemaStatements and
// the PostgreSQL adapter's) to their translation.
var dsl map[string]func(*tr, *rcall)

func init() {
	dsl = map[string]func(*tr, *rcall){
		"create_table":                (*tr).createTable,
		"create_join_table":           (*tr).createJoinTable,
		"change_table":                (*tr).changeTable,
		"rename_table":                (*tr).renameTableCall,
		"drop_table":                  (*tr).dropTable,
		"drop_join_table":             (*tr).dropJoinTable,
		"add_column":                  (*tr).addColumnCall,
		"remove_column":               (*tr).removeColumnCall,
		"remove_columns":              (*tr).removeColumnsCall,
		"rename_column":               (*tr).renameColumnCall,
		"change_column":               (*tr).changeColumnCall,
		"change_column_default":       (*tr).changeColumnDefaultCall,
		"change_column_null":          (*tr).changeColumnNullCall,
		"change_column_comment":       (*tr).commentCall,
		"change_table_comment":        (*tr).commentCall,
		"add_index":                   (*tr).addIndexCall,
		"remove_index":                (*tr).removeIndexCall,
		"rename_index":                (*tr).renameIndexCall,
		"add_reference":               (*tr).addReferenceCall,
		"add_belongs_to":              (*tr).addReferenceCall,
		"remove_reference":            (*tr).removeReferenceCall,
		"remove_belongs_to":           (*tr).removeReferenceCall,
		"add_foreign_key":             (*tr).addForeignKeyCall,
		"remove_foreign_key":          (*tr).removeForeignKeyCall,
		"validate_foreign_key":        (*tr).validateForeignKeyCall,
		"validate_constraint":         (*tr).validateConstraintCall,
		"add_check_constraint":        (*tr).addCheckConstraintCall,
		"remove_check_constraint":     (*tr).removeCheckConstraintCall,
		"validate_check_constraint":   (*tr).validateCheckConstraintCall,
		"add_timestamps":              (*tr).addTimestampsCall,
		"remove_timestamps":           (*tr).removeTimestampsCall,
		"enable_extension":            (*tr).enableExtension,
		"disable_extension":           (*tr).disableExtension,
		"create_enum":                 (*tr).createEnum,
		"drop_enum":                   (*tr).dropEnum,
		"rename_enum":                 (*tr).renameEnum,
		"add_enum_value":              (*tr).addEnumValue,
		"rename_enum_value":           (*tr).renameEnumValue,
		"create_schema":               (*tr).createSchema,
		"drop_schema":                 (*tr).dropSchema,
		"execute":                     (*tr).executeCall,
		"exec_query":                  (*tr).executeCall,
		"exec_update":                 (*tr).executeCall,
		"exec_delete":                 (*tr).executeCall,
		"exec_insert":                 (*tr).executeCall,
		"select_all":                  (*tr).executeCall,
		"select_one":                  (*tr).executeCall,
		"select_value":                (*tr).executeCall,
		"select_values":               (*tr).executeCall,
		"select_rows":                 (*tr).executeCall,
		"add_exclusion_constraint":    (*tr).addExclusionConstraint,
		"remove_exclusion_constraint": (*tr).removeNamedConstraint,
		"add_unique_constraint":       (*tr).addUniqueConstraint,
		"add_unique_key":              (*tr).addUniqueConstraint,
		"remove_unique_constraint":    (*tr).removeNamedConstraint,
		"remove_unique_key":           (*tr).removeNamedConstraint,
		// GitLab's migration helpers, which its post-deployment
		// migrations use throughout.
		"add_concurrent_index":            (*tr).addConcurrentIndex,
		"remove_concurrent_index":         (*tr).removeConcurrentIndex,
		"remove_concurrent_index_by_name": (*tr).removeConcurrentIndexByName,
		"add_concurrent_foreign_key":      (*tr).addConcurrentForeignKey,
	}
}

// namesArg returns positional argument i, when given, as a list of
// names, reporting when it is not literal.
func (t *tr) namesArg(c *rcall, i int, what string) ([]string, bool) {
	if i >= len(c.pos) {
		return nil, true
	}
	names, ok := c.pos[i].names()
	if !ok {
		t.hint(c.n, "%s are not literals: not checked", what)
	}
	return names, ok
}

// need returns positional argument i as a name, reporting when it is
// missing or not a literal.
func (t *tr) need(c *rcall, i int, what string) (string, bool) {
	s, ok := c.arg(i)
	if !ok {
		t.recognised--
		t.hint(c.n, "%s of `%s` is not a literal schemagate can read: this call is not checked", what, c.name)
	}
	return s, ok
}

// literal returns positional argument i of a call inside a table block,
// hinting that what is not a literal when it cannot be read.
func (t *tr) literal(c *rcall, i int, what string) (string, bool) {
	s, ok := c.arg(i)
	if !ok {
		t.hint(c.n, "%s is not a literal: not checked", what)
	}
	return s, ok
}

// eachLiteral calls f with each positional argument from the first on
// that is a literal, hinting at the others.
func (t *tr) eachLiteral(c *rcall, first int, what string, f func(i int, s string)) {
	for i := first; i < len(c.pos); i++ {
		if s, ok := t.literal(c, i, what); ok {
			f(i, s)
		}
	}
}

// hasArgs reports whether the call has n positional arguments, hinting
// (without what) when it has not.
func (t *tr) hasArgs(c *rcall, n int, what string) bool {
	if len(c.pos) >= n {
		return true
	}
	t.recognised--
	t.hint(c.n, "`%s` without %s: not checked", c.name, what)
	return false
}

// nameAndList reads a call's first argument as a name and its second,
// when given, as a list of names (what each is, for the hints).
func (t *tr) nameAndList(c *rcall, what, listWhat string) (string, []string, bool) {
	name, ok := t.need(c, 0, what)
	if !ok {
		return "", nil, false
	}
	list, ok := t.namesArg(c, 1, listWhat)
	return name, list, ok
}

// tableAnd reads a call's table name and its second argument (what it
// is, for the hint); both are read, so that each unreadable one is said.
func (t *tr) tableAnd(c *rcall, what string) (table, second string, ok bool) {
	table, ok1 := t.need(c, 0, "the table name")
	second, ok2 := t.need(c, 1, what)
	return table, second, ok1 && ok2
}

// ---- tables ----

var tableOptionKeys = []string{"temporary", "if_not_exists", "options", "as", "comment", "charset", "collation", "force", "id", "primary_key", "unlogged", "bulk"}

func (t *tr) createTable(c *rcall) {
	name, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	td := &tableDef{name: name, ifNotExists: c.o.bool("if_not_exists", false)}
	o := c.o
	if !t.ver.bigintKeys() {
		idv, hasID := o.get("id")
		ids, _ := idv.str()
		if hasID && ids == "uuid" && !o.has("default") {
			o = o.with("default", value{k: kString, s: t.ver.uuidDefault()})
		}
		if hasID && (ids == "integer" || ids == "bigint") && !o.has("default") {
			o = o.with("default", value{k: kNil})
		}
		if !hasID {
			o = o.with("id", value{k: kSymbol, s: "integer"})
		}
	}
	_, hasAs := o.get("as")
	if idv, hasID := o.get("id"); !hasAs && (!hasID || idv.truthy()) {
		pkOpts := o.without(tableOptionKeys...)
		idType := value{k: kSymbol, s: "primary_key"}
		if hasID && idv.k == kHash {
			for i, k := range idv.list {
				if ks, _ := k.str(); ks != "type" {
					pkOpts = pkOpts.with(ks, idv.vals[i])
				}
			}
			if tv, ok := idv.get("type"); ok {
				idType = tv
			}
		} else if hasID && idv.k != kBool {
			idType = idv
		}
		pkv, hasPK := o.get("primary_key")
		switch {
		case hasPK && pkv.k == kArray:
			td.compositePK, _ = pkv.names()
		default:
			pk := "id"
			if hasPK {
				if s, ok := pkv.str(); ok {
					pk = s
				}
			}
			if s, _ := idType.str(); s == "uuid" && !pkOpts.has("default") {
				pkOpts = pkOpts.with("default", value{k: kString, s: "gen_random_uuid()"})
			}
			if s, _ := idType.str(); s == "primary_key" && !t.ver.bigintKeys() {
				idType = value{k: kSymbol, s: "integer"}
			}
			pkOpts = pkOpts.with("primary_key", value{k: kBool, b: true})
			t.tdColumn(td, c, pk, idType, pkOpts, c.sp)
		}
	}
	t.runBlock(c, value{k: kTableDef, ref: td})
	t.flushCreateTable(td, c, o)
}

// runBlock runs the call's block with its first parameter (the t of
// create_table and change_table) bound to v.
func (t *tr) runBlock(c *rcall, v value) {
	params, body := blockParts(c.block)
	be := newEnv(c.e)
	if len(params) > 0 {
		be.vars[t.text(params[0])] = v
	}
	t.exec(body, be)
}

func (t *tr) flushCreateTable(td *tableDef, c *rcall, o opts) {
	if fv, ok := o.get("force"); ok && fv.truthy() && !t.schemaFile {
		s, _ := fv.str()
		sql := "DROP TABLE IF EXISTS " + quoteTable(td.name)
		if s == "cascade" {
			sql += " CASCADE"
		}
		t.flushSent()
		if t.cat.Table(tname(td.name)) != nil {
			t.sendSQL(sql, c.sp)
		} else {
			// PostgreSQL skips it on a table that is not there: on one
			// the replay does not know, create_table force: is a plain
			// create.
			t.sendNoOp(sql, c.sp)
		}
	}
	if _, hasAs := o.get("as"); hasAs {
		as, ok := o.str("as")
		if !ok {
			t.hint(c.n, "as: is not a literal: this table is not checked")
			return
		}
		t.sendSQL(createTableHead(td, o)+" AS "+as, c.sp)
		return
	}
	s := stmt{span: c.sp}
	var b strings.Builder
	b.WriteString(createTableHead(td, o) + " (")
	defs := 0
	def := func(text string) {
		if defs > 0 {
			b.WriteString(", ")
		}
		defs++
		b.WriteString(text)
	}
	for _, d := range td.cols {
		if defs > 0 {
			b.WriteString(", ")
		}
		defs++
		s.cols = append(s.cols, part{b.Len(), d.nameSp})
		if d.def != nil {
			s.rubyDefault(d.name, d.def.ruby)
		}
		columnSQL(&b, d)
	}
	if len(td.compositePK) > 0 {
		def("PRIMARY KEY (" + quoteIdents(td.compositePK) + ")")
	}
	for _, fk := range td.fks {
		if k, _, ok := t.foreignKeySQL(td.name, fk.to, fk.o, true); ok {
			def(k)
		}
	}
	for _, ck := range td.checks {
		if k, _, ok := t.checkSQL(td.name, ck.expr, ck.o, ck.sp, true); ok {
			def(k)
		}
	}
	b.WriteString(")")
	if opt, ok := o.str("options"); ok {
		b.WriteString(" " + opt)
	}
	s.text = b.String()
	t.send(s)
	for _, ix := range td.indexes {
		io := ix.o
		if td.ifNotExists {
			io = io.with("if_not_exists", value{k: kBool, b: true})
		}
		t.addIndex(td.name, ix.cols, io, ix.sp)
	}
	if cv, ok := o.get("comment"); ok && cv.k != kNil {
		t.sendSQL(commentSQL("TABLE "+quoteTable(td.name), cv), c.sp)
	}
	for _, d := range td.cols {
		if d.comment != nil {
			t.sendSQL(commentSQL("COLUMN "+quoteTable(td.name)+"."+quoteIdent(d.name), *d.comment), d.nameSp)
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// joinTable reads the two tables of create_join_table and
// drop_join_table, and the join table's name: table_name:, else the
// one Rails derives from the two.
func (t *tr) joinTable(c *rcall) (a, b, name string, ok bool) {
	a, ok1 := t.need(c, 0, "the first table")
	b, ok2 := t.need(c, 1, "the second table")
	if !ok1 || !ok2 {
		return "", "", "", false
	}
	name, ok = c.o.str("table_name")
	if !ok {
		name = joinTableName(a, b)
	}
	return a, b, name, true
}

func (t *tr) createJoinTable(c *rcall) {
	a, b, name, ok := t.joinTable(c)
	if !ok {
		return
	}
	colOpts := emptyOpts()
	if v, ok := c.o.get("column_options"); ok && v.k == kHash {
		colOpts = opts{v}
	}
	if !colOpts.has("null") {
		colOpts = colOpts.with("null", value{k: kBool, b: false})
	}
	if !colOpts.has("index") {
		colOpts = colOpts.with("index", value{k: kBool, b: false})
	}
	if !t.ver.bigintKeys() && !colOpts.has("type") {
		colOpts = colOpts.with("type", value{k: kSymbol, s: "integer"})
	}
	o := c.o.without("table_name", "column_options").with("id", value{k: kBool, b: false})
	td := &tableDef{name: name, ifNotExists: o.bool("if_not_exists", false)}
	for _, ref := range []string{singularize(a), singularize(b)} {
		t.reference(name, ref, colOpts, c, refTarget{
			column: func(col string, typ value, co opts) { t.tdColumn(td, c, col, typ, co, c.sp) },
			index: func(cols []string, io opts) {
				td.indexes = append(td.indexes, tdIndex{cols: namesValue(cols), o: io, sp: c.sp})
			},
			foreignKey: func(to string, fo opts) { td.fks = append(td.fks, tdForeignKey{to: to, o: fo, sp: c.sp}) },
		})
	}
	t.runBlock(c, value{k: kTableDef, ref: td})
	t.flushCreateTable(td, c, o)
}

func (t *tr) dropTable(c *rcall) {
	if len(c.pos) == 0 {
		t.need(c, 0, "the table name")
		return
	}
	var names []string
	t.eachLiteral(c, 0, "table name", func(_ int, name string) { names = append(names, quoteTable(name)) })
	if len(names) == 0 {
		return
	}
	// DROP TABLE "a", "b": one statement.
	fs, _ := c.o.str("force")
	t.sendSQL(dropTableSQL(strings.Join(names, ", "), c.o.bool("if_exists", false), fs == "cascade"), c.sp)
}

func dropTableSQL(tables string, ifExists, cascade bool) string {
	sql := "DROP TABLE "
	if ifExists {
		sql += "IF EXISTS "
	}
	sql += tables
	if cascade {
		sql += " CASCADE"
	}
	return sql
}

func (t *tr) dropJoinTable(c *rcall) {
	_, _, name, ok := t.joinTable(c)
	if !ok {
		return
	}
	fs, _ := c.o.str("force")
	t.sendSQL(dropTableSQL(quoteTable(name), c.o.bool("if_exists", false), fs == "cascade"), c.sp)
}

func (t *tr) renameTableCall(c *rcall) {
	from, to, ok := t.tableAnd(c, "the new name")
	if !ok {
		return
	}
	t.renameTable(from, to, c.sp)
}

// renameTable is the PostgreSQL adapter's rename_table: the table, its
// primary key index and sequence, and the indexes bearing Rails' default
// name for the old table.
func (t *tr) renameTable(from, to string, sp source.Span) {
	pk, seq := []string{"id"}, tname(from).Name+"_id_seq"
	if tb := t.table(from); tb != nil {
		pk, seq = primaryKey(tb), pkSequence(tb)
	}
	// Not created by a migration we read: Rails' default primary key, id
	// with its sequence, is assumed.
	indexes := t.indexes(from)
	oldN, newN := tname(from), tname(to)
	t.sendSQL("ALTER TABLE "+quoteTable(from)+" RENAME TO "+quoteIdent(newN.Name), sp)
	if len(pk) > 0 {
		t.sendSQL("ALTER INDEX "+quoteIdent(oldN.Name+"_pkey")+" RENAME TO "+quoteIdent(newN.Name+"_pkey"), sp)
		if len(pk) == 1 && seq == oldN.Name+"_"+pk[0]+"_seq" {
			schema := oldN.Schema
			if schema == "" {
				schema = "public"
			}
			t.sendSQL("ALTER TABLE "+quoteIdent(schema)+"."+quoteIdent(seq)+" RENAME TO "+quoteIdent(newN.Name+"_"+pk[0]+"_seq"), sp)
		}
	}
	hashed := t.ver.hashedIndexNames()
	for _, ix := range indexes {
		if ix.Name.Name == indexName(from, ix.Columns, hashed) {
			t.sendSQL("ALTER INDEX "+quoteIdent(ix.Name.Name)+" RENAME TO "+quoteIdent(indexName(to, ix.Columns, hashed)), sp)
		}
	}
}

// ---- columns ----

func (t *tr) addColumnCall(c *rcall) {
	table, col, ok := t.tableAnd(c, "the column name")
	if !ok || !t.hasArgs(c, 3, "a type") {
		return
	}
	typ, o := c.pos[2], c.o
	if s, _ := typ.str(); s == "primary_key" && !t.ver.bigintKeys() {
		typ = value{k: kSymbol, s: "integer"}
		o = o.with("primary_key", value{k: kBool, b: true})
	}
	t.addColumn(table, col, typ, o, c, t.argSpan(c, 1))
}

// addColumn is add_column: ALTER TABLE ... ADD.
func (t *tr) addColumn(table, col string, typ value, o opts, c *rcall, nameSp source.Span) {
	if o.bool("if_not_exists", false) && t.column(table, col) != nil {
		return
	}
	d, ok := t.columnDef(col, typ, o, nameSp)
	if !ok {
		t.hint(c.n, "column type is not a literal: column %q is not checked", col)
		return
	}
	// if_not_exists: is Rails' own check above; the SQL is a plain ADD.
	var b strings.Builder
	b.Grow(len("ADD ") + columnSize(d))
	b.WriteString("ADD ")
	columnSQL(&b, d)
	f := fragment{text: b.String(), span: c.sp, col: d.nameSp, colAt: len("ADD "), column: col}
	if d.def != nil {
		f.ruby = d.def.ruby
	}
	t.alter(quoteTable(table), f)
	if d.comment != nil {
		sql := commentSQL("COLUMN "+quoteTable(table)+"."+quoteIdent(col), *d.comment)
		t.later(func() { t.sendSQL(sql, c.sp) })
	}
}

func (t *tr) removeColumnCall(c *rcall) {
	table, col, ok := t.tableAnd(c, "the column name")
	if !ok {
		return
	}
	if c.o.bool("if_exists", false) && t.table(table) != nil && t.column(table, col) == nil {
		return
	}
	t.dropColumns(table, []string{col}, c.sp)
}

func (t *tr) removeColumnsCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	var cols []string
	t.eachLiteral(c, 1, "column name", func(_ int, col string) { cols = append(cols, col) })
	if len(cols) > 0 {
		t.dropColumns(table, cols, c.sp)
	}
}

// dropColumns is one ALTER TABLE ... DROP COLUMN a, DROP COLUMN b.
func (t *tr) dropColumns(table string, cols []string, sp source.Span) {
	t.inOneAlter(func() {
		for _, col := range cols {
			t.alter(quoteTable(table), fragment{text: "DROP COLUMN " + quoteIdent(col), span: sp})
		}
	})
}

// renameArgs reads rename_column's and rename_index's table, old name
// (what it is) and new name.
func (t *tr) renameArgs(c *rcall, what string) (table, from, to string, ok bool) {
	table, ok1 := t.need(c, 0, "the table name")
	from, ok2 := t.need(c, 1, what)
	to, ok3 := t.need(c, 2, "the new name")
	return table, from, to, ok1 && ok2 && ok3
}

func (t *tr) renameColumnCall(c *rcall) {
	if table, from, to, ok := t.renameArgs(c, "the column name"); ok {
		t.renameColumn(table, from, to, c.sp)
	}
}

// renameColumn renames the column and the indexes Rails named after it.
func (t *tr) renameColumn(table, from, to string, sp source.Span) {
	type named struct {
		name    string
		columns []string
	}
	var indexes []named
	for _, ix := range t.indexes(table) {
		indexes = append(indexes, named{ix.Name.Name, ix.Columns})
	}
	t.sendSQL("ALTER TABLE "+quoteTable(table)+" RENAME COLUMN "+quoteIdent(from)+" TO "+quoteIdent(to), sp)
	hashed := t.ver.hashedIndexNames()
	for _, ix := range indexes {
		if !slices.Contains(ix.columns, from) || ix.name != indexName(table, ix.columns, hashed) {
			continue
		}
		renamed := slices.Clone(ix.columns)
		for i, c := range renamed {
			if c == from {
				renamed[i] = to
			}
		}
		t.sendSQL("ALTER INDEX "+quoteIdent(ix.name)+" RENAME TO "+quoteIdent(indexName(table, renamed, hashed)), sp)
	}
}

func (t *tr) changeColumnCall(c *rcall) {
	table, col, ok := t.tableAnd(c, "the column name")
	if !ok || !t.hasArgs(c, 3, "a type") {
		return
	}
	t.changeColumn(table, col, c.pos[2], c.o, c)
}

// changeColumn is the PostgreSQL adapter's change_column: ALTER COLUMN
// TYPE, with SET/DROP DEFAULT and SET/DROP NOT NULL in the same
// statement (separate statements for Migration[5.1] and older).
func (t *tr) changeColumn(table, col string, typ value, o opts, c *rcall) {
	d, ok := t.columnDef(col, typ, o.without("default", "null", "primary_key"), c.sp)
	if !ok {
		t.hint(c.n, "column type is not a literal: not checked")
		return
	}
	alter := "ALTER COLUMN " + quoteIdent(col) + " TYPE " + d.typeSQL
	if d.collation != "" {
		alter += " COLLATE " + quoteIdent(d.collation)
	}
	if using, ok := o.str("using"); ok {
		if msg := exprError(asUsing, using); msg != "" {
			t.syntaxNote(c.sp, "using: is not valid SQL: "+msg)
		} else {
			alter += " USING " + using
		}
	} else if castAs, ok := o.get("cast_as"); ok {
		ct, _ := t.columnDef(col, castAs, o.without("default", "null"), c.sp)
		alter += " USING CAST(" + quoteIdent(col) + " AS " + ct.typeSQL + ")"
	}
	split := t.ver.splitChangeColumn() && t.bulk == nil
	parts := func() {
		t.alter(quoteTable(table), fragment{text: alter, span: c.sp})
		dv, hasDefault := o.get("default")
		if hasDefault {
			t.setDefault(table, col, dv, d.typ, c.sp)
		}
		if nv, ok := o.get("null"); ok {
			if split && hasDefault && nv.known() && !nv.truthy() && dv.k != kNil {
				t.backfill(table, col, dv, d.typ, d.typeSQL, c.sp)
			}
			t.setNull(table, col, nv, c.sp)
		}
	}
	if split {
		parts()
	} else {
		t.inOneAlter(parts)
	}
	if cv, ok := o.get("comment"); ok && cv.known() {
		sql := commentSQL("COLUMN "+quoteTable(table)+"."+quoteIdent(col), cv)
		t.later(func() { t.sendSQL(sql, c.sp) })
	}
}

// backfill is the UPDATE change_column_null (and change_column before
// Rails 5.2) runs before SET NOT NULL: NULLs become the default.
func (t *tr) backfill(table, col string, v value, typ ops.Type, typeSQL string, sp source.Span) {
	d, msg := defaultSQL(v, typ, typeSQL, t.src)
	if msg != "" {
		t.syntaxNote(sp, "the value for NULLs is not valid SQL: "+msg)
		return
	}
	q := quoteIdent(col)
	t.send(stmt{text: "UPDATE " + quoteTable(table) + " SET " + q + "=" + d.sql + " WHERE " + q + " IS NULL", span: sp})
}

// setDefault sends SET DEFAULT or, for nil, DROP DEFAULT.
func (t *tr) setDefault(table, col string, v value, typ ops.Type, sp source.Span) {
	column := "ALTER COLUMN " + quoteIdent(col)
	if v.k == kNil {
		t.alter(quoteTable(table), fragment{text: column + " DROP DEFAULT", span: sp})
		return
	}
	d, msg := defaultSQL(v, typ, "", t.src)
	if msg != "" {
		t.syntaxNote(sp, "default is not valid SQL: "+msg)
		return
	}
	t.alter(quoteTable(table), fragment{text: column + " SET DEFAULT " + d.sql, span: sp, column: col, ruby: d.ruby})
}

func (t *tr) setNull(table, col string, null value, sp source.Span) {
	change := " DROP NOT NULL"
	if null.known() && !null.truthy() {
		change = " SET NOT NULL"
	}
	t.alter(quoteTable(table), fragment{text: "ALTER COLUMN " + quoteIdent(col) + change, span: sp})
}

// columnType is the type a default is serialised by: the column's type
// when the replay knows it, else what the Ruby value suggests.
func (t *tr) columnType(table, col string, v value) ops.Type {
	if cc := t.column(table, col); cc != nil {
		return cc.Type
	}
	switch v.k {
	case kBool:
		return ops.Type{Name: "boolean"}
	case kInt:
		return ops.Type{Name: "integer"}
	case kFloat:
		return ops.Type{Name: "double precision"}
	case kHash:
		return ops.Type{Name: "jsonb"}
	case kArray:
		return ops.Type{Name: "text", Array: true}
	}
	return ops.Type{Name: "text"}
}

func (t *tr) changeColumnDefaultCall(c *rcall) {
	table, col, ok := t.tableAnd(c, "the column name")
	if !ok {
		return
	}
	var v value
	switch {
	case len(c.pos) > 2:
		v = c.pos[2]
	case c.o.has("to") || c.o.has("from"):
		v = c.o.h
	default:
		t.recognised--
		t.hint(c.n, "`change_column_default` without a default: not checked")
		return
	}
	if v.k == kHash {
		if to, ok := v.get("to"); ok {
			if _, ok := v.get("from"); ok {
				v = to
			}
		}
	}
	t.setDefault(table, col, v, t.columnType(table, col, v), c.sp)
}

func (t *tr) changeColumnNullCall(c *rcall) {
	table, col, ok := t.tableAnd(c, "the column name")
	if !ok || !t.hasArgs(c, 3, "null") {
		return
	}
	null := c.pos[2]
	if len(c.pos) > 3 && c.pos[3].k != kNil && null.known() && !null.truthy() && t.bulk == nil {
		v := c.pos[3]
		t.backfill(table, col, v, t.columnType(table, col, v), "", c.sp)
	}
	t.setNull(table, col, null, c.sp)
}

// commentCall is change_table_comment(table, comment) and
// change_column_comment(table, column, comment), the comment also as
// from:/to:.
func (t *tr) commentCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	what := "TABLE " + quoteTable(table)
	at := 1
	if c.name == "change_column_comment" {
		col, ok := t.need(c, 1, "the column name")
		if !ok {
			return
		}
		what = "COLUMN " + quoteTable(table) + "." + quoteIdent(col)
		at = 2
	}
	v := c.o.h
	if at < len(c.pos) {
		v = c.pos[at]
	}
	t.sendSQL(commentSQL(what, v), c.sp)
}

func (t *tr) addTimestampsCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	t.addTimestamps(table, c.o, c)
}

// addTimestamps is one ALTER TABLE adding created_at and updated_at.
func (t *tr) addTimestamps(table string, o opts, c *rcall) {
	o = t.timestampOptions(o)
	t.inOneAlter(func() {
		for _, col := range []string{"created_at", "updated_at"} {
			t.addColumn(table, col, value{k: kSymbol, s: "datetime"}, o, c, c.sp)
		}
	})
}

func (t *tr) removeTimestampsCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	t.dropColumns(table, []string{"updated_at", "created_at"}, c.sp)
}

// ---- indexes ----

func (t *tr) addIndexCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok || !t.hasArgs(c, 2, "columns") {
		return
	}
	t.addIndex(table, c.pos[1], c.o, c.sp)
}

// addIndex is add_index: CREATE [UNIQUE] INDEX [CONCURRENTLY] ... with
// Rails' default name.
func (t *tr) addIndex(table string, colsV value, o opts, sp source.Span) {
	var cols, nameCols []string
	expr := ""
	if colsV.k == kString && isExpression(colsV.s) {
		expr = colsV.s
		nameCols = expressionNameColumns(expr)
	} else {
		var ok bool
		cols, ok = colsV.names()
		if !ok {
			at := sp // a value without a node: the call
			if colsV.n != nil {
				at = t.span(colsV.n)
			}
			t.note = append(t.note, noteUnrecognised(at, "index columns are not literals: this index is not checked"))
			return
		}
		nameCols = cols
	}
	name, ok := o.str("name")
	if !ok {
		name = indexName(table, nameCols, t.ver.hashedIndexNames())
		if len(name) > maxIdentifierLength {
			t.note = append(t.note, noteUnrecognised(sp, "index name "+name+" is longer than 63 characters: Rails "+t.ver.String()+" refuses it; pass name:"))
		}
	}
	t.send(stmt{text: createIndexSQL(table, name, cols, expr, o), span: sp, what: "index definition"})
	if cv, ok := o.get("comment"); ok && cv.k != kNil {
		t.sendSQL(commentSQL("INDEX "+quoteName(ops.Name{Schema: tname(table).Schema, Name: name}), cv), sp)
	}
}

func (t *tr) removeIndexCall(c *rcall) { t.removeIndexWith(c, c.o) }

// removeIndexWith is remove_index(table, column, **o).
func (t *tr) removeIndexWith(c *rcall, o opts) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	var col value
	if len(c.pos) > 1 {
		col = c.pos[1]
	}
	t.removeIndex(table, col, o, c.sp)
}

// removeIndex is remove_index: the index is found by name, or by its
// columns among the indexes the replay knows, else by Rails' default
// name.
func (t *tr) removeIndex(table string, colV value, o opts, sp source.Span) {
	hashed := t.ver.hashedIndexNames()
	name, byName := o.str("name")
	if !colV.known() {
		if v, ok := o.get("column"); ok {
			colV = v
		}
	}
	if !colV.known() && !byName {
		t.note = append(t.note, noteUnrecognised(sp, "remove_index without a literal name or column: not checked"))
		return
	}
	if colV.known() {
		if colV.k == kString && isExpression(colV.s) {
			if !byName {
				name = indexName(table, expressionNameColumns(colV.s), hashed)
			}
		} else if cols, ok := colV.names(); ok {
			want := indexName(table, cols, hashed)
			found := ""
			for _, ix := range t.indexes(table) {
				if indexName(table, ix.Columns, hashed) == want && (!byName || ix.Name.Name == name) {
					found = ix.Name.Name
					break
				}
			}
			switch {
			case found != "":
				name = found
			case !byName:
				name = want
			}
		}
	}
	if o.bool("if_exists", false) && t.table(table) != nil && t.indexNamed(table, name) == nil {
		return
	}
	sql := "DROP INDEX "
	if isConcurrently(o) {
		sql += "CONCURRENTLY "
	}
	if o.bool("if_exists", false) {
		sql += "IF EXISTS "
	}
	t.sendSQL(sql+quoteName(ops.Name{Schema: tname(table).Schema, Name: name}), sp)
}

func (t *tr) renameIndexCall(c *rcall) {
	if _, from, to, ok := t.renameArgs(c, "the index name"); ok {
		t.renameIndex(from, to, c.sp)
	}
}

func (t *tr) renameIndex(from, to string, sp source.Span) {
	t.sendSQL("ALTER INDEX "+quoteIdent(from)+" RENAME TO "+quoteIdent(to), sp)
}

// ---- references and foreign keys ----

func (t *tr) addReferenceCall(c *rcall) {
	table, ref, ok := t.tableAnd(c, "the reference name")
	if !ok {
		return
	}
	t.addReference(table, ref, c.o, c, t.argSpan(c, 1))
}

// addReference adds a reference to an existing table: each column, its
// index and its foreign key as separate statements.
func (t *tr) addReference(table, ref string, o opts, c *rcall, nameSp source.Span) {
	t.reference(table, ref, o, c, refTarget{
		column: func(col string, typ value, co opts) {
			t.addColumn(table, col, typ, co, c, nameSp)
		},
		index: func(cols []string, io opts) {
			t.flushBulk()
			t.addIndex(table, namesValue(cols), io, c.sp)
		},
		foreignKey: func(to string, fo opts) {
			t.flushBulk()
			t.addForeignKey(table, to, fo, c.sp)
		},
	})
}

func (t *tr) removeReferenceCall(c *rcall) {
	table, ref, ok := t.tableAnd(c, "the reference name")
	if !ok {
		return
	}
	t.removeReference(table, ref, c.o, c.sp)
}

// removeReference drops the foreign key (when asked), then the columns.
func (t *tr) removeReference(table, ref string, o opts, sp source.Span) {
	if fk, ok := o.get("foreign_key"); ok && fk.known() && fk.truthy() {
		fo := emptyOpts()
		if fk.k == kHash {
			fo = opts{fk}
		} else {
			fo = fo.with("to_table", value{k: kString, s: pluralize(ref)})
		}
		if !fo.has("column") {
			fo = fo.with("column", value{k: kString, s: ref + "_id"})
		}
		to, _ := fo.str("to_table")
		t.removeForeignKey(table, to, fo, sp)
	}
	t.dropColumns(table, []string{ref + "_id"}, sp)
	if o.bool("polymorphic", false) {
		t.dropColumns(table, []string{ref + "_type"}, sp)
	}
}

func (t *tr) addForeignKeyCall(c *rcall) {
	from, to, ok := t.tableAnd(c, "the referenced table")
	if !ok {
		return
	}
	t.addForeignKey(from, to, c.o, c.sp)
}

// foreignKeySQL is the constraint add_foreign_key writes, and its name.
func (t *tr) foreignKeySQL(from, to string, o opts, inCreate bool) (sql, name string, ok bool) {
	var cols []string
	if cv, ok := o.get("column"); ok {
		cs, ok := cv.names()
		if !ok {
			return "", "", false
		}
		cols = cs
	} else {
		cols = []string{singularize(tname(to).Name) + "_id"}
	}
	pk := []string{"id"}
	if pv, ok := o.get("primary_key"); ok {
		if ps, ok := pv.names(); ok {
			pk = ps
		}
	}
	name, ok = o.str("name")
	if !ok {
		name = foreignKeyName(from, cols)
	}
	sql = "CONSTRAINT " + quoteIdent(name) + " FOREIGN KEY (" + quoteIdents(cols) + ") REFERENCES " + quoteTable(to) + " (" + quoteIdents(pk) + ")" + foreignKeyActions(o)
	if !inCreate && !o.bool("validate", true) {
		sql += " NOT VALID"
	}
	return sql, name, true
}

func (t *tr) addForeignKey(from, to string, o opts, sp source.Span) {
	k, _, ok := t.foreignKeySQL(from, to, o, false)
	if !ok {
		t.note = append(t.note, noteUnrecognised(sp, "foreign key column is not a literal: not checked"))
		return
	}
	t.sendSQL("ALTER TABLE "+quoteTable(from)+" ADD "+k, sp)
}

// foreignKeyNameFor finds the name remove_foreign_key and
// validate_foreign_key act on.
func (t *tr) foreignKeyNameFor(from, to string, o opts) string {
	if fk := t.findForeignKey(t.table(from), to, o); fk != nil {
		return fk.Name
	}
	if name, ok := o.str("name"); ok {
		return name
	}
	col, ok := o.str("column")
	if !ok {
		col = singularize(tname(to).Name) + "_id"
	}
	return foreignKeyName(from, []string{col})
}

func (t *tr) removeForeignKeyCall(c *rcall) {
	from, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	to, _ := c.arg(1)
	if to == "" {
		to, _ = c.o.str("to_table")
	}
	t.removeForeignKey(from, to, c.o, c.sp)
}

func (t *tr) removeForeignKey(from, to string, o opts, sp source.Span) {
	tb := t.table(from)
	if o.bool("if_exists", false) && tb != nil && t.findForeignKey(tb, to, o) == nil {
		return
	}
	name := t.foreignKeyNameFor(from, to, o)
	t.alter(quoteTable(from), fragment{text: "DROP CONSTRAINT " + quoteIdent(name), span: sp})
}

func (t *tr) validateForeignKeyCall(c *rcall) {
	from, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	to, _ := c.arg(1)
	t.validate(from, t.foreignKeyNameFor(from, to, c.o), c.sp)
}

func (t *tr) validateConstraintCall(c *rcall) {
	table, ok1 := t.need(c, 0, "the table name")
	name, ok2 := t.need(c, 1, "the constraint name")
	if ok1 && ok2 {
		t.validate(table, name, c.sp)
	}
}

func (t *tr) validate(table, name string, sp source.Span) {
	t.sendSQL("ALTER TABLE "+quoteTable(table)+" VALIDATE CONSTRAINT "+quoteIdent(name), sp)
}

// ---- check constraints ----

// checkSQL is the constraint add_check_constraint writes, and its name.
func (t *tr) checkSQL(table, expr string, o opts, sp source.Span, inCreate bool) (sql, name string, ok bool) {
	if msg := exprError(asCheck, expr); msg != "" {
		t.syntaxNote(sp, "check constraint is not valid SQL: "+msg)
		return "", "", false
	}
	name, ok = o.str("name")
	if !ok {
		name = checkConstraintName(table, expr)
	}
	sql = "CONSTRAINT " + quoteIdent(name) + " CHECK (" + expr + ")"
	if !inCreate && !o.bool("validate", true) {
		sql += " NOT VALID"
	}
	return sql, name, true
}

func (t *tr) addCheckConstraintCall(c *rcall) {
	table, expr, ok := t.tableAnd(c, "the check expression")
	if !ok {
		return
	}
	if k, _, ok := t.checkSQL(table, expr, c.o, c.sp, false); ok {
		t.sendSQL("ALTER TABLE "+quoteTable(table)+" ADD "+k, c.sp)
	}
}

func (t *tr) checkNameFor(c *rcall, table string) (string, bool) {
	if name, ok := c.o.str("name"); ok {
		return name, true
	}
	expr, ok := c.arg(1)
	if !ok {
		expr, ok = c.o.str("expression")
	}
	if !ok {
		t.recognised--
		t.hint(c.n, "check constraint given neither by name nor by a literal expression: not checked")
		return "", false
	}
	return checkConstraintName(table, expr), true
}

func (t *tr) removeCheckConstraintCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	name, ok := t.checkNameFor(c, table)
	if !ok {
		return
	}
	if tb := t.table(table); c.o.bool("if_exists", false) && tb != nil && !hasCheck(tb, name) {
		return
	}
	t.dropConstraint(table, name, c.sp)
}

// dropConstraint is ALTER TABLE ... DROP CONSTRAINT.
func (t *tr) dropConstraint(table, name string, sp source.Span) {
	t.sendSQL("ALTER TABLE "+quoteTable(table)+" DROP CONSTRAINT "+quoteIdent(name), sp)
}

func (t *tr) validateCheckConstraintCall(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	if name, ok := t.checkNameFor(c, table); ok {
		t.validate(table, name, c.sp)
	}
}

// ---- extensions, enums, schemas ----

func (t *tr) enableExtension(c *rcall) {
	name, ok := t.need(c, 0, "the extension name")
	if !ok {
		return
	}
	sql := "CREATE EXTENSION IF NOT EXISTS "
	if schema, ext, ok := strings.Cut(name, "."); ok && schema != "" {
		sql += quoteIdent(ext) + " SCHEMA " + quoteIdent(schema)
	} else {
		sql += quoteIdent(name)
	}
	t.sendSQL(sql, c.sp)
}

func (t *tr) disableExtension(c *rcall) {
	name, ok := t.need(c, 0, "the extension name")
	if !ok {
		return
	}
	sql := "DROP EXTENSION IF EXISTS " + quoteIdent(name)
	if fs, _ := c.o.str("force"); t.ver.disableExtensionCascades() || fs == "cascade" {
		sql += " CASCADE"
	}
	t.sendSQL(sql, c.sp)
}

func (t *tr) createEnum(c *rcall) {
	name, vals, ok := t.nameAndList(c, "the type name", "enum values")
	if !ok {
		return
	}
	quoted := make([]string, len(vals))
	for i, v := range vals {
		quoted[i] = quoteString(v)
	}
	t.sendSQL("CREATE TYPE "+quoteTable(name)+" AS ENUM ("+strings.Join(quoted, ", ")+")", c.sp)
}

func (t *tr) dropEnum(c *rcall) {
	t.nameStatement(c, "the type name", "DROP TYPE ", "if_exists", quoteTable, "")
}

// nameStatement sends head, the clause an option asks for (if_exists:
// IF EXISTS, if_not_exists: IF NOT EXISTS), the call's first argument
// quoted, and tail.
func (t *tr) nameStatement(c *rcall, what, head, option string, quote func(string) string, tail string) {
	name, ok := t.need(c, 0, what)
	if !ok {
		return
	}
	if c.o.bool(option, false) {
		head += strings.ToUpper(strings.ReplaceAll(option, "_", " ")) + " "
	}
	t.sendSQL(head+quote(name)+tail, c.sp)
}

func (t *tr) renameEnum(c *rcall) {
	name, ok := t.need(c, 0, "the type name")
	if !ok {
		return
	}
	to, ok := c.o.str("to")
	if !ok {
		to, ok = c.arg(1)
	}
	if !ok {
		t.hint(c.n, "new enum name is not a literal: not checked")
		return
	}
	t.sendSQL("ALTER TYPE "+quoteTable(name)+" RENAME TO "+quoteIdent(to), c.sp)
}

func (t *tr) addEnumValue(c *rcall) {
	name, ok1 := t.need(c, 0, "the type name")
	val, ok2 := t.need(c, 1, "the value")
	if !ok1 || !ok2 {
		return
	}
	sql := "ALTER TYPE " + quoteTable(name) + " ADD VALUE "
	if c.o.bool("if_not_exists", false) {
		sql += "IF NOT EXISTS "
	}
	sql += quoteString(val)
	if b, ok := c.o.str("before"); ok {
		sql += " BEFORE " + quoteString(b)
	} else if a, ok := c.o.str("after"); ok {
		sql += " AFTER " + quoteString(a)
	}
	t.sendSQL(sql, c.sp)
}

func (t *tr) renameEnumValue(c *rcall) {
	name, ok := t.need(c, 0, "the type name")
	if !ok {
		return
	}
	from, ok1 := c.o.str("from")
	to, ok2 := c.o.str("to")
	if !ok1 || !ok2 {
		t.hint(c.n, "rename_enum_value needs literal from: and to:: not checked")
		return
	}
	t.sendSQL("ALTER TYPE "+quoteTable(name)+" RENAME VALUE "+quoteString(from)+" TO "+quoteString(to), c.sp)
}

func (t *tr) createSchema(c *rcall) {
	t.nameStatement(c, "the schema name", "CREATE SCHEMA ", "if_not_exists", quoteIdent, "")
}

func (t *tr) dropSchema(c *rcall) {
	t.nameStatement(c, "the schema name", "DROP SCHEMA ", "if_exists", quoteIdent, " CASCADE")
}

// ---- change_table ----

// changeTable is the t of change_table: each call runs the matching
// schema statement at once, or, with bulk: true, joins one ALTER TABLE.
type changeTable struct {
	name string
	bulk bool
	// recorded are the t.* calls of a bulk block: Rails records them
	// while the block runs (other calls in it run at once) and then
	// replays them into as few ALTER TABLEs as it can.
	recorded  []func()
	recording bool
}

func (t *tr) changeTable(c *rcall) {
	name, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	ct := &changeTable{name: name, bulk: c.o.bool("bulk", false)}
	saved := t.bulk
	t.bulk = nil
	ct.recording = ct.bulk
	t.runBlock(c, value{k: kTable, ref: ct})
	if ct.bulk {
		ct.recording = false
		t.bulk = &bulk{}
		for _, f := range ct.recorded {
			f()
		}
		t.flushBulk()
	}
	t.bulk = saved
}

// combinable are the change_table commands PostgreSQL's bulk_change_table
// joins into one ALTER TABLE (those with a *_for_alter).
var combinable = map[string]bool{
	"column": true, "remove": true, "change": true, "change_default": true, "change_null": true,
	"timestamps": true, "remove_timestamps": true,
}

// tableStatements are the change_table methods that are a schema
// statement on the table, as Rails' Table has them: @base.<statement>(
// name, ...).
var tableStatements = map[string]string{
	"change_default":          "change_column_default",
	"change_null":             "change_column_null",
	"remove_index":            "remove_index",
	"timestamps":              "add_timestamps",
	"remove_timestamps":       "remove_timestamps",
	"check_constraint":        "add_check_constraint",
	"remove_check_constraint": "remove_check_constraint",
}

// tableCall runs t.<method> inside change_table.
func (t *tr) tableCall(ct *changeTable, c *rcall) {
	if ct.recording {
		ct.recorded = append(ct.recorded, func() { t.tableCall(ct, c) })
		return
	}
	name := c.name
	if name == "numeric" {
		name = "decimal"
	}
	kind := name
	if columnMethods[name] {
		kind = "column"
	}
	if t.bulk != nil && !combinable[kind] {
		t.flushBulk()
		saved := t.bulk
		t.bulk = nil
		defer func() { t.bulk = saved }()
	}
	table := ct.name
	switch {
	case t.columnCall(c, name, func(col string, typ value, nameSp source.Span) {
		t.tableColumn(table, col, typ, c.o, c, nameSp)
	}):
	case name == "references" || name == "belongs_to":
		t.recognised++
		t.eachLiteral(c, 0, "reference name", func(i int, ref string) {
			t.withoutBulk(func() { t.addReference(table, ref, c.o, c, t.argSpan(c, i)) })
		})
	case name == "remove_references" || name == "remove_belongs_to":
		t.recognised++
		for i := range c.pos {
			if ref, ok := c.arg(i); ok {
				t.removeReference(table, ref, c.o, c.sp)
			}
		}
	case name == "remove":
		t.recognised++
		var cols []string
		for i := range c.pos {
			if col, ok := c.arg(i); ok {
				cols = append(cols, col)
			}
		}
		if tb := t.table(table); c.o.bool("if_exists", false) && tb != nil {
			cols = slices.DeleteFunc(cols, func(col string) bool { return tb.Column(col) == nil })
		}
		if len(cols) > 0 {
			t.dropColumns(table, cols, c.sp)
		}
	case name == "rename":
		t.recognised++
		from, to, ok := c.twoArgs()
		if !ok {
			t.hint(c.n, "column names are not literals: not checked")
			return
		}
		t.renameColumn(table, from, to, c.sp)
	case name == "change":
		t.recognised++
		if col, typ, ok := t.columnAndType(c); ok {
			t.changeColumn(table, col, typ, c.o, c)
		}
	case tableStatements[name] != "":
		t.recognised++
		s := tableStatements[name]
		dsl[s](t, c.onTable(table, s))
	case name == "index":
		t.recognised++
		if len(c.pos) == 0 {
			t.hint(c.n, "index columns are not given: not checked")
			return
		}
		t.addIndex(table, c.pos[0], c.o, c.sp)
	case name == "rename_index":
		t.recognised++
		if from, to, ok := c.twoArgs(); ok {
			t.renameIndex(from, to, c.sp)
		}
	case name == "foreign_key":
		t.recognised++
		if to, ok := c.arg(0); ok {
			t.addForeignKey(table, to, c.o, c.sp)
		}
	case name == "remove_foreign_key":
		t.recognised++
		to, _ := c.arg(0)
		t.removeForeignKey(table, to, c.o, c.sp)
	case strings.HasSuffix(name, "_exists?"):
		t.recognised++
	default:
		t.hint(c.n, "`t.%s` is not a change_table method schemagate knows: not checked", c.name)
	}
}

// withoutBulk runs f outside the current bulk ALTER TABLE.
func (t *tr) withoutBulk(f func()) {
	t.flushBulk()
	saved := t.bulk
	t.bulk = nil
	f()
	t.bulk = saved
}

// tableColumn is Table#column: add_column, then add_index for index:.
func (t *tr) tableColumn(table, col string, typ value, o opts, c *rcall, nameSp source.Span) {
	iv, hasIdx := o.get("index")
	t.addColumn(table, col, typ, o.without("index"), c, nameSp)
	if hasIdx && iv.known() && iv.truthy() {
		io := emptyOpts()
		if iv.k == kHash {
			io = opts{iv}
		}
		t.withoutBulk(func() { t.addIndex(table, value{k: kString, s: col}, io, c.sp) })
	}
}

// ---- Rails 7.1 unique and exclusion constraints ----

// constraintName is Rails' <prefix>_rails_<10 hex of SHA-256> name.
func constraintName(prefix, identifier string) string {
	sum := sha256.Sum256([]byte(identifier))
	return prefix + "_rails_" + hex.EncodeToString(sum[:])[:10]
}

func (t *tr) addExclusionConstraint(c *rcall) {
	table, expr, ok := t.tableAnd(c, "the exclusion expression")
	if !ok {
		return
	}
	name, ok := c.o.str("name")
	if !ok {
		name = constraintName("excl", table+"_"+expr+"_excl")
	}
	sql := "ALTER TABLE " + quoteTable(table) + " ADD CONSTRAINT " + quoteIdent(name) + " EXCLUDE"
	if using, ok := c.o.str("using"); ok {
		sql += " USING " + using
	}
	sql += " (" + expr + ")"
	if where, ok := c.o.str("where"); ok {
		sql += " WHERE (" + where + ")"
	}
	t.sendSQL(sql, c.sp)
}

func (t *tr) addUniqueConstraint(c *rcall) {
	table, cols, ok := t.nameAndList(c, "the table name", "unique constraint columns")
	if !ok {
		return
	}
	usingIndex, hasIndex := c.o.str("using_index")
	name, ok := c.o.str("name")
	if !ok {
		key := cols
		if hasIndex {
			key = []string{usingIndex}
		}
		name = constraintName("uniq", table+"_"+strings.Join(key, "_and_")+"_unique")
	}
	sql := "ALTER TABLE " + quoteTable(table) + " ADD CONSTRAINT " + quoteIdent(name) + " UNIQUE"
	if c.o.bool("nulls_not_distinct", false) {
		sql += " NULLS NOT DISTINCT"
	}
	if hasIndex {
		sql += " USING INDEX " + quoteIdent(usingIndex)
	} else {
		sql += " (" + quoteIdents(cols) + ")"
	}
	t.sendSQL(sql, c.sp)
}

// removeNamedConstraint is remove_exclusion_constraint and
// remove_unique_constraint: by name:, else by Rails' default name.
func (t *tr) removeNamedConstraint(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return
	}
	name, ok := c.o.str("name")
	if !ok && len(c.pos) > 1 {
		if strings.HasPrefix(c.name, "remove_exclusion") {
			if expr, ok2 := c.arg(1); ok2 {
				name, ok = constraintName("excl", table+"_"+expr+"_excl"), true
			}
		} else if cols, ok2 := c.pos[1].names(); ok2 {
			name, ok = constraintName("uniq", table+"_"+strings.Join(cols, "_and_")+"_unique"), true
		}
	}
	if !ok {
		t.recognised--
		t.hint(c.n, "constraint given neither by name nor by literal columns: not checked")
		return
	}
	t.dropConstraint(table, name, c.sp)
}

// ---- GitLab's migration helpers ----

func (t *tr) addConcurrentIndex(c *rcall) {
	table, ok := t.need(c, 0, "the table name")
	if !ok || len(c.pos) < 2 {
		return
	}
	t.addIndex(table, c.pos[1], c.o.with("algorithm", value{k: kSymbol, s: "concurrently"}), c.sp)
}

func (t *tr) removeConcurrentIndex(c *rcall) {
	t.removeIndexWith(c, c.o.with("algorithm", value{k: kSymbol, s: "concurrently"}))
}

func (t *tr) removeConcurrentIndexByName(c *rcall) {
	table, name, ok := t.tableAnd(c, "the index name")
	if !ok {
		return
	}
	o := emptyOpts().with("name", value{k: kString, s: name}).with("algorithm", value{k: kSymbol, s: "concurrently"})
	t.removeIndex(table, value{}, o, c.sp)
}

// addConcurrentForeignKey adds the key NOT VALID, then validates it
// unless validate: false: GitLab's way to avoid a long lock.
func (t *tr) addConcurrentForeignKey(c *rcall) {
	from, to, ok := t.tableAnd(c, "the referenced table")
	if !ok {
		return
	}
	cols, ok := []string(nil), false
	if cv, has := c.o.get("column"); has {
		cols, ok = cv.names()
	}
	if !ok {
		t.recognised--
		t.hint(c.n, "add_concurrent_foreign_key without a literal column: not checked")
		return
	}
	name, ok := c.o.str("name")
	if !ok {
		sum := sha256.Sum256([]byte(from + "_" + strings.Join(cols, "_") + "_fk"))
		name = "fk_" + hex.EncodeToString(sum[:])[:10]
	}
	pk := "id"
	if tc, ok := c.o.str("target_column"); ok {
		pk = tc
	}
	o := emptyOpts().with("name", value{k: kString, s: name}).with("column", namesValue(cols)).
		with("primary_key", value{k: kString, s: pk}).with("validate", value{k: kBool})
	t.addForeignKey(from, to, o, c.sp)
	if c.o.bool("validate", true) {
		t.validate(from, name, c.sp)
	}
}
