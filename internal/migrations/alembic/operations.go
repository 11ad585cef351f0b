package alembic

import (
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

// opSpec is one Alembic operation: its signature on op and on a batch
// (without the table, which the batch gives), and what it emits.
type opSpec struct {
	params []string
	batch  []string // nil: not a batch operation (batch_op.execute runs at once)
	fn     func(t *translator, a *args) []pendingStmt
}

var opSpecs map[string]opSpec

func init() {
	opSpecs = map[string]opSpec{
		"create_table":              {params: []string{"table_name", "*columns"}, fn: (*translator).createTable},
		"drop_table":                {params: []string{"table_name", "schema"}, fn: (*translator).dropTable},
		"rename_table":              {params: []string{"old_table_name", "new_table_name", "schema"}, fn: (*translator).renameTable},
		"add_column":                {params: []string{"table_name", "column", "schema"}, batch: []string{"column", "insert_before", "insert_after"}, fn: (*translator).addColumn},
		"drop_column":               {params: []string{"table_name", "column_name", "schema"}, batch: []string{"column_name"}, fn: (*translator).dropColumn},
		"alter_column":              {params: []string{"table_name", "column_name"}, batch: []string{"column_name"}, fn: (*translator).alterColumn},
		"create_index":              {params: []string{"index_name", "table_name", "columns", "schema", "unique"}, batch: []string{"index_name", "columns"}, fn: (*translator).createIndex},
		"drop_index":                {params: []string{"index_name", "table_name", "schema"}, batch: []string{"index_name"}, fn: (*translator).dropIndex},
		"create_foreign_key":        {params: []string{"constraint_name", "source_table", "referent_table", "local_cols", "remote_cols", "onupdate", "ondelete", "deferrable", "initially", "match", "source_schema", "referent_schema"}, batch: []string{"constraint_name", "referent_table", "local_cols", "remote_cols", "referent_schema", "onupdate", "ondelete", "deferrable", "initially", "match"}, fn: (*translator).createForeignKey},
		"create_check_constraint":   {params: []string{"constraint_name", "table_name", "condition", "schema"}, batch: []string{"constraint_name", "condition"}, fn: (*translator).createCheck},
		"create_unique_constraint":  {params: []string{"constraint_name", "table_name", "columns", "schema"}, batch: []string{"constraint_name", "columns"}, fn: (*translator).createUnique},
		"create_primary_key":        {params: []string{"constraint_name", "table_name", "columns", "schema"}, batch: []string{"constraint_name", "columns"}, fn: (*translator).createPrimaryKey},
		"create_exclude_constraint": {params: []string{"constraint_name", "table_name", "*elements"}, batch: []string{"constraint_name", "*elements"}, fn: (*translator).createExclude},
		"drop_constraint":           {params: []string{"constraint_name", "table_name", "type_", "schema"}, batch: []string{"constraint_name", "type_"}, fn: (*translator).dropConstraint},
		"create_table_comment":      {params: []string{"table_name", "comment", "existing_comment", "schema"}, batch: []string{"comment", "existing_comment"}, fn: (*translator).tableComment},
		"drop_table_comment":        {params: []string{"table_name", "existing_comment", "schema"}, batch: []string{"existing_comment"}, fn: (*translator).tableComment},
		"execute":                   {params: []string{"sqltext", "execution_options"}, fn: (*translator).executeOp},
		"bulk_insert":               {params: []string{"table", "rows", "multiinsert"}, fn: (*translator).bulkInsert},
	}
}

// valueFunctions are op functions that return a value and do nothing
// else.
var valueFunctions = map[string]bool{
	"f": true, "get_bind": true, "get_context": true, "inline_literal": true, "implementation_for": true,
}

// batchState is an open `with op.batch_alter_table(...) as batch_op`.
type batchState struct {
	table, schema *expr
	pending       []pendingStmt
	active        bool
}

// startBatch opens a batch. On PostgreSQL alembic emits the batch's
// operations as plain ALTER statements when the block ends, unless
// recreate="always" makes it copy the table.
func (t *translator) startBatch(x *expr) *batchState {
	a := t.bindArgs(x, []string{"table_name", "schema", "recreate", "partial_reordering", "copy_from", "table_args", "table_kwargs", "reflect_args", "reflect_kwargs", "naming_convention"})
	if rec, ok := t.literal(a.get("recreate")); ok && rec == "always" {
		t.noteAt(x, x, `recreate="always" makes alembic copy the whole table into a new one, drop the old one and rename the copy, under an ACCESS EXCLUSIVE lock: the operations in this block are checked as the plain ALTERs alembic would otherwise emit`)
	}
	bs := &batchState{table: a.get("table_name"), schema: a.get("schema"), active: true}
	if bs.table == nil {
		t.noteAt(x, x, "batch_alter_table() without a table name: alembic fails on it")
		bs.table = unknown("?")
	}
	t.batches[x] = bs
	return bs
}

func (t *translator) flushBatch(bs *batchState) {
	bs.active = false
	t.run(bs.pending...)
	bs.pending = nil
}

// opCall runs op.<name>(...) or, with bs, batch_op.<name>(...).
func (t *translator) opCall(name string, e *expr, bs *batchState) {
	if valueFunctions[name] {
		return
	}
	if name == "batch_alter_table" {
		t.noteAt(e, e, "op.batch_alter_table() does nothing outside a `with` statement")
		return
	}
	spec, ok := opSpecs[name]
	if !ok {
		t.note(migration.NoteUnrecognised, e.start, e.end, "op.%s is not an Alembic operation schemagate translates (an operation the application registers?): the schema changes it makes are not checked", name)
		return
	}
	if bs == nil || spec.batch == nil {
		t.run(spec.fn(t, t.bindArgs(e, spec.params))...)
		return
	}
	a := t.bindArgs(e, spec.batch)
	a.set("table_name", bs.table)
	a.set("source_table", bs.table)
	if bs.schema != nil {
		if a.get("schema") == nil {
			a.set("schema", bs.schema)
		}
		a.set("source_schema", bs.schema)
	}
	bs.pending = append(bs.pending, spec.fn(t, a)...)
}

func (t *translator) span(a *args) source.Span { return t.file.Span(a.call.start, a.call.end) }

// table reads the table name and schema= of an operation.
func (t *translator) table(a *args, key string) string {
	return qname(t.optName(a.get("schema"), a.call, "schema"), t.name(a.get(key), a.call, "table name"))
}

func (t *translator) createTable(a *args) []pendingStmt {
	call := a.call
	span := t.span(a)
	name := t.name(a.get("table_name"), call, "table name")
	schema := t.optName(a.get("schema"), call, "schema")
	qn := qname(schema, name)
	var cols []*column
	var explicit []string // table constraints, in argument order
	var pkCols []string
	pkName, explicitPK := "", false
	var indexes []string
	for _, it := range a.rest {
		r := t.resolve(it)
		kind := ""
		if r.kind == exprCall {
			_, kind = t.libName(r.x)
		}
		switch kind {
		case "Column":
			if c := t.column(it, call); c != nil {
				cols = append(cols, c)
			}
		case "PrimaryKeyConstraint":
			ka := t.bindArgs(r, []string{"*columns"})
			for _, c := range ka.rest {
				pkCols = append(pkCols, t.name(c, r, "column name"))
			}
			pkName = t.optName(ka.get("name"), r, "constraint name")
			explicitPK = true
		case "ForeignKeyConstraint":
			if f, ok := t.fkConstraint(r); ok {
				explicit = append(explicit, f.sql())
			}
		case "UniqueConstraint":
			ka := t.bindArgs(r, []string{"*columns"})
			explicit = append(explicit, t.uniqueSQL(ka, t.namesOf(ka.rest, r)))
		case "CheckConstraint":
			if s, ok := t.checkSQL(r); ok {
				explicit = append(explicit, s)
			}
		case "ExcludeConstraint":
			ka := t.bindArgs(r, []string{"*elements"})
			if s, ok := t.excludeSQL(ka); ok {
				explicit = append(explicit, s)
			}
		case "Index":
			ka := t.bindArgs(r, []string{"name", "*expressions"})
			if s, ok := t.indexSQL(ka, schema, name, ka.rest); ok {
				indexes = append(indexes, s)
			}
		default:
			t.noteAt(it, call, "`%s` is not a column or constraint schemagate can read: it is not checked", t.source(it))
		}
	}
	// An explicit PrimaryKeyConstraint decides the key and its column
	// order (SQLAlchemy warns and ignores primary_key=True on other
	// columns, which stay NOT NULL); otherwise the flagged columns are the
	// key, in column order.
	var pk []*column
	byName := map[string]*column{}
	for _, c := range cols {
		byName[c.name] = c
	}
	if explicitPK {
		for _, p := range pkCols {
			if c := byName[p]; c != nil {
				c.pk = true
				pk = append(pk, c)
			}
		}
	} else {
		for _, c := range cols {
			if c.pk {
				pk = append(pk, c)
			}
		}
	}
	serial := autoincrement(pk)
	var out []pendingStmt
	created := map[string]bool{}
	for _, c := range cols {
		for _, en := range c.typ.enums {
			key := en.schema + "." + en.name
			if en.create && !created[key] {
				created[key] = true
				out = append(out, pendingStmt{sql: createEnumSQL(en), span: span})
			}
		}
	}
	var elems []string
	var colSpans []source.Span
	for _, c := range cols {
		elems = append(elems, c.spec(c == serial))
		colSpans = append(colSpans, c.span)
	}
	if len(pk) > 0 {
		s := ""
		if pkName != "" {
			s = "CONSTRAINT " + qi(pkName) + " "
		}
		var names []string
		for _, c := range pk {
			names = append(names, c.name)
		}
		elems = append(elems, s+"PRIMARY KEY ("+qiList(names)+")")
	}
	elems = append(elems, explicit...)
	for _, c := range cols {
		elems = append(elems, c.flagConstraints()...)
	}
	head := "CREATE TABLE "
	if t.boolValue(a.get("if_not_exists"), false) {
		head += "IF NOT EXISTS "
	}
	tail := ""
	if p, ok := t.literal(a.get("postgresql_partition_by")); ok {
		tail = " PARTITION BY " + p
	}
	out = append(out, pendingStmt{sql: head + qn + " (" + strings.Join(elems, ", ") + ")" + tail, span: span, cols: colSpans})
	for _, s := range indexes {
		out = append(out, pendingStmt{sql: s, span: span})
	}
	for _, c := range cols {
		if c.index {
			out = append(out, pendingStmt{sql: columnIndexSQL(schema, name, c), span: span})
		}
	}
	if v := a.get("comment"); v != nil && !t.isNone(v) {
		out = append(out, pendingStmt{sql: "COMMENT ON TABLE " + qn + " IS " + lit(t.name(v, call, "comment")), span: span})
	}
	for _, c := range cols {
		if c.comment != nil {
			out = append(out, pendingStmt{sql: "COMMENT ON COLUMN " + qn + "." + qi(c.name) + " IS " + lit(*c.comment), span: span})
		}
	}
	return out
}

func columnIndexSQL(schema, table string, c *column) string {
	u := ""
	if c.unique {
		u = "UNIQUE "
	}
	return "CREATE " + u + "INDEX " + qi(defaultIndexName(schema, table, c.name)) + " ON " + qname(schema, table) + " (" + qi(c.name) + ")"
}

func (t *translator) namesOf(es []*expr, call *expr) []string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, t.name(e, call, "column name"))
	}
	return out
}

// fkConstraint reads sa.ForeignKeyConstraint(columns, refcolumns, ...).
func (t *translator) fkConstraint(r *expr) (fkDef, bool) {
	a := t.bindArgs(r, []string{"columns", "refcolumns", "name", "onupdate", "ondelete", "deferrable", "initially", "use_alter", "link_to_name", "match"})
	f := fkDef{name: t.optName(a.get("name"), r, "constraint name"), cols: t.names(a.get("columns"), r, "column name")}
	for _, target := range t.names(a.get("refcolumns"), r, "referenced column") {
		s, tbl, cols := splitTarget(target)
		f.refSchema, f.refTable = s, tbl
		f.refCols = append(f.refCols, cols...)
	}
	f.tail = t.fkTail(a)
	return f, true
}

func (t *translator) uniqueSQL(a *args, cols []string) string {
	s := ""
	if n := t.optName(a.get("name"), a.call, "constraint name"); n != "" {
		s = "CONSTRAINT " + qi(n) + " "
	}
	s += "UNIQUE "
	if t.boolValue(a.get("postgresql_nulls_not_distinct"), false) {
		s += "NULLS NOT DISTINCT "
	}
	return s + "(" + qiList(cols) + ")" + t.deferrable(a)
}

// excludeSQL renders postgresql.ExcludeConstraint / create_exclude_constraint
// elements: (column or sa.text, operator) pairs.
func (t *translator) excludeSQL(a *args) (string, bool) {
	var parts []string
	for _, el := range a.rest {
		pair, ok := t.items(el)
		if !ok || len(pair) != 2 {
			t.noteAt(el, a.call, "an exclusion element schemagate cannot read: this constraint is not checked")
			return "", false
		}
		col, ok := t.indexElement(pair[0], a.call)
		if !ok {
			return "", false
		}
		op, _ := t.literal(pair[1])
		parts = append(parts, col+" WITH "+op)
	}
	s := ""
	if n := t.optName(a.get("name"), a.call, "constraint name"); n != "" {
		s = "CONSTRAINT " + qi(n) + " "
	}
	using := "gist"
	if u, ok := t.literal(a.get("using")); ok {
		using = u
	}
	s += "EXCLUDE USING " + using + " (" + strings.Join(parts, ", ") + ")"
	if w := a.get("where"); w != nil && !t.isNone(w) {
		cond, ok := t.condition(w, a.call)
		if !ok {
			return "", false
		}
		s += " WHERE (" + cond + ")"
	}
	return s + t.deferrable(a), true
}

// indexElement renders an index column: a name, or SQL text.
func (t *translator) indexElement(e, call *expr) (string, bool) {
	r := t.resolve(e)
	if r.kind == exprCall {
		if _, n := t.libName(r.x); (n == "text" || n == "literal_column") && len(r.args) > 0 {
			return t.rawSQL(r.args[0], "SELECT %s")
		}
		if _, n := t.libName(r.x); n == "column" && len(r.args) > 0 {
			return qi(t.name(r.args[0], call, "column name")), true
		}
	}
	if r.kind == exprString || r.kind == exprName || r.start < 0 {
		return qi(t.name(e, call, "column name")), true
	}
	t.noteAt(e, call, "schemagate cannot read the index expression `%s`: it is taken as a column of that name", t.source(e))
	return qi(t.source(e)), true
}

// indexSQL renders CREATE INDEX for op.create_index or sa.Index.
func (t *translator) indexSQL(a *args, schema, table string, cols []*expr) (string, bool) {
	call := a.call
	var elems []string
	opsFor := map[string]string{}
	if d := t.resolve(a.get("postgresql_ops")); d != nil && d.kind == exprDict {
		for i, k := range d.rare().keys {
			ks, ok1 := t.literal(k)
			vs, ok2 := t.literal(d.args[i])
			if ok1 && ok2 {
				opsFor[ks] = vs
			}
		}
	}
	first := ""
	for i, c := range cols {
		s, ok := t.indexElement(c, call)
		if !ok {
			return "", false
		}
		if name, _, isName := t.strValue(c); isName {
			if i == 0 {
				first = name
			}
			if o := opsFor[name]; o != "" {
				s += " " + o
			}
		}
		elems = append(elems, s)
	}
	if len(elems) == 0 {
		t.noteAt(call, call, "an index without columns: alembic fails on it")
		return "", false
	}
	name := t.optName(a.get("name"), call, "index name")
	if a.get("name") == nil {
		name = t.optName(a.get("index_name"), call, "index name")
	}
	if name == "" {
		if first == "" {
			t.noteAt(call, call, "an index without a name on an expression: SQLAlchemy cannot name it")
			name = "?"
		} else {
			name = defaultIndexName(schema, table, first)
		}
	}
	s := "CREATE "
	if t.boolValue(a.get("unique"), false) {
		s += "UNIQUE "
	}
	s += "INDEX "
	if t.boolValue(a.get("postgresql_concurrently"), false) {
		s += "CONCURRENTLY "
	}
	if t.boolValue(a.get("if_not_exists"), false) {
		s += "IF NOT EXISTS "
	}
	s += qi(name) + " ON " + qname(schema, table) + " "
	if u, ok := t.literal(a.get("postgresql_using")); ok {
		s += "USING " + u + " "
	}
	s += "(" + strings.Join(elems, ", ") + ")"
	if inc := a.get("postgresql_include"); inc != nil && !t.isNone(inc) {
		s += " INCLUDE (" + qiList(t.names(inc, call, "column name")) + ")"
	}
	if w := t.resolve(a.get("postgresql_with")); w != nil && w.kind == exprDict {
		var opts []string
		for i, k := range w.rare().keys {
			ks, ok1 := t.literal(k)
			vs, ok2 := t.literal(w.args[i])
			if ok1 && ok2 {
				opts = append(opts, ks+" = "+vs)
			}
		}
		if len(opts) > 0 {
			s += " WITH (" + strings.Join(opts, ", ") + ")"
		}
	}
	if ts, ok := t.literal(a.get("postgresql_tablespace")); ok {
		s += " TABLESPACE " + qi(ts)
	}
	if w := a.get("postgresql_where"); w != nil && !t.isNone(w) {
		cond, ok := t.condition(w, call)
		if !ok {
			return "", false
		}
		s += " WHERE " + cond
	}
	return s, true
}

func (t *translator) dropTable(a *args) []pendingStmt {
	return []pendingStmt{{sql: "DROP TABLE " + t.ifExists(a) + t.table(a, "table_name"), span: t.span(a)}}
}

func (t *translator) renameTable(a *args) []pendingStmt {
	return []pendingStmt{{sql: "ALTER TABLE " + t.table(a, "old_table_name") + " RENAME TO " + qi(t.name(a.get("new_table_name"), a.call, "table name")), span: t.span(a)}}
}

func (t *translator) addColumn(a *args) []pendingStmt {
	span := t.span(a)
	schema := t.optName(a.get("schema"), a.call, "schema")
	table := t.name(a.get("table_name"), a.call, "table name")
	qn := qname(schema, table)
	c := t.column(a.get("column"), a.call)
	if c == nil {
		return nil
	}
	var pk []*column
	if c.pk {
		pk = []*column{c}
	}
	head := "ALTER TABLE " + qn + " ADD COLUMN "
	if t.boolValue(a.get("if_not_exists"), false) {
		head += "IF NOT EXISTS "
	}
	out := []pendingStmt{{sql: c.specAfter(head, autoincrement(pk) == c), span: span, cols: []source.Span{c.span}}}
	for _, k := range c.flagConstraints() {
		out = append(out, pendingStmt{sql: "ALTER TABLE " + qn + " ADD " + k, span: span})
	}
	if c.index {
		out = append(out, pendingStmt{sql: columnIndexSQL(schema, table, c), span: span})
	}
	if c.comment != nil {
		out = append(out, pendingStmt{sql: "COMMENT ON COLUMN " + qn + "." + qi(c.name) + " IS " + lit(*c.comment), span: span})
	}
	return out
}

func (t *translator) dropColumn(a *args) []pendingStmt {
	return t.alterDrop(a, "COLUMN", "column_name", "column name")
}

// alterDrop is ALTER TABLE ... DROP COLUMN or CONSTRAINT, the name being
// the argument param.
func (t *translator) alterDrop(a *args, kind, param, what string) []pendingStmt {
	s := "ALTER TABLE " + t.table(a, "table_name") + " DROP " + kind + " " + t.ifExists(a)
	return []pendingStmt{{sql: s + qi(t.name(a.get(param), a.call, what)), span: t.span(a)}}
}

// ifExists is the IF EXISTS clause if_exists=True asks for.
func (t *translator) ifExists(a *args) string {
	if t.boolValue(a.get("if_exists"), false) {
		return "IF EXISTS "
	}
	return ""
}

// alterColumn emits what PostgreSQL's alembic implementation does, in its
// order: TYPE, NULL, DEFAULT, COMMENT, and the rename last.
func (t *translator) alterColumn(a *args) []pendingStmt {
	span := t.span(a)
	schema := t.optName(a.get("schema"), a.call, "schema")
	table := t.name(a.get("table_name"), a.call, "table name")
	qn := qname(schema, table)
	col := t.name(a.get("column_name"), a.call, "column name")
	alter := "ALTER TABLE " + qn + " ALTER COLUMN " + qi(col) + " "
	var out []pendingStmt
	if ty := a.get("type_"); ty != nil && !t.isNone(ty) {
		s := alter + "TYPE " + t.typeSQL(ty, a.call).sql
		if u := a.get("postgresql_using"); u != nil && !t.isNone(u) {
			if using, ok := t.rawSQL(u, "SELECT %s"); ok {
				s += " USING " + using
			}
		}
		out = append(out, pendingStmt{sql: s, span: span})
	}
	if n := a.get("nullable"); n != nil && !t.isNone(n) {
		if t.boolValue(n, true) {
			out = append(out, pendingStmt{sql: alter + "DROP NOT NULL", span: span})
		} else {
			out = append(out, pendingStmt{sql: alter + "SET NOT NULL", span: span})
		}
	}
	if d := a.get("server_default"); d != nil {
		r := t.resolve(d)
		switch {
		case r.kind == exprBool && r.text == "False":
		case r.kind == exprNone:
			out = append(out, pendingStmt{sql: alter + "DROP DEFAULT", span: span})
		default:
			out = append(out, pendingStmt{sql: alter + "SET DEFAULT " + t.defaultSQL(d, a.call), span: span})
		}
	}
	if c := a.get("comment"); c != nil {
		r := t.resolve(c)
		switch {
		case r.kind == exprBool && r.text == "False":
		case r.kind == exprNone:
			out = append(out, pendingStmt{sql: "COMMENT ON COLUMN " + qn + "." + qi(col) + " IS NULL", span: span})
		default:
			out = append(out, pendingStmt{sql: "COMMENT ON COLUMN " + qn + "." + qi(col) + " IS " + lit(t.name(c, a.call, "comment")), span: span})
		}
	}
	if n := a.get("new_column_name"); n != nil && !t.isNone(n) {
		out = append(out, pendingStmt{sql: "ALTER TABLE " + qn + " RENAME " + qi(col) + " TO " + qi(t.name(n, a.call, "column name")), span: span})
	}
	return out
}

func (t *translator) createIndex(a *args) []pendingStmt {
	schema := t.optName(a.get("schema"), a.call, "schema")
	table := t.name(a.get("table_name"), a.call, "table name")
	cols, ok := t.items(a.get("columns"))
	if !ok {
		if c := a.get("columns"); c != nil && t.resolve(c).kind == exprString {
			cols = []*expr{c}
		} else {
			t.noteAt(a.get("columns"), a.call, "the index columns are known only when the migration runs: this index is not checked")
			return nil
		}
	}
	s, ok := t.indexSQL(a, schema, table, cols)
	if !ok {
		return nil
	}
	return []pendingStmt{{sql: s, span: t.span(a)}}
}

func (t *translator) dropIndex(a *args) []pendingStmt {
	s := "DROP INDEX "
	if t.boolValue(a.get("postgresql_concurrently"), false) {
		s += "CONCURRENTLY "
	}
	return []pendingStmt{{sql: s + t.ifExists(a) + qname(t.optName(a.get("schema"), a.call, "schema"), t.name(a.get("index_name"), a.call, "index name")), span: t.span(a)}}
}

func (t *translator) constraintHead(a *args, table string) string {
	s := "ALTER TABLE " + t.table(a, table) + " ADD "
	if n := t.optName(a.get("constraint_name"), a.call, "constraint name"); n != "" {
		s += "CONSTRAINT " + qi(n) + " "
	}
	return s
}

func (t *translator) createForeignKey(a *args) []pendingStmt {
	src := qname(t.optName(a.get("source_schema"), a.call, "schema"), t.name(a.get("source_table"), a.call, "table name"))
	f := fkDef{
		name:      t.optName(a.get("constraint_name"), a.call, "constraint name"),
		cols:      t.names(a.get("local_cols"), a.call, "column name"),
		refSchema: t.optName(a.get("referent_schema"), a.call, "schema"),
		refTable:  t.name(a.get("referent_table"), a.call, "table name"),
		refCols:   t.names(a.get("remote_cols"), a.call, "column name"),
		tail:      t.fkTail(a),
	}
	return []pendingStmt{{sql: "ALTER TABLE " + src + " ADD " + f.sql(), span: t.span(a)}}
}

func (t *translator) createCheck(a *args) []pendingStmt {
	cond, ok := t.condition(a.get("condition"), a.call)
	if !ok {
		return nil
	}
	s := t.constraintHead(a, "table_name") + "CHECK (" + cond + ")"
	if t.boolValue(a.get("postgresql_not_valid"), false) {
		s += " NOT VALID"
	}
	return []pendingStmt{{sql: s, span: t.span(a)}}
}

func (t *translator) createUnique(a *args) []pendingStmt {
	a.set("name", a.get("constraint_name"))
	return []pendingStmt{{sql: "ALTER TABLE " + t.table(a, "table_name") + " ADD " + t.uniqueSQL(a, t.names(a.get("columns"), a.call, "column name")), span: t.span(a)}}
}

func (t *translator) createPrimaryKey(a *args) []pendingStmt {
	return []pendingStmt{{sql: t.constraintHead(a, "table_name") + "PRIMARY KEY (" + qiList(t.names(a.get("columns"), a.call, "column name")) + ")", span: t.span(a)}}
}

func (t *translator) createExclude(a *args) []pendingStmt {
	a.set("name", a.get("constraint_name"))
	s, ok := t.excludeSQL(a)
	if !ok {
		return nil
	}
	return []pendingStmt{{sql: "ALTER TABLE " + t.table(a, "table_name") + " ADD " + s, span: t.span(a)}}
}

func (t *translator) dropConstraint(a *args) []pendingStmt {
	return t.alterDrop(a, "CONSTRAINT", "constraint_name", "constraint name")
}

func (t *translator) tableComment(a *args) []pendingStmt {
	c := "NULL"
	if v := a.get("comment"); v != nil && !t.isNone(v) {
		c = lit(t.name(v, a.call, "comment"))
	}
	return []pendingStmt{{sql: "COMMENT ON TABLE " + t.table(a, "table_name") + " IS " + c, span: t.span(a)}}
}

func (t *translator) executeOp(a *args) []pendingStmt {
	if a.get("sqltext") == nil {
		t.noteAt(a.call, a.call, "op.execute() without a statement: alembic fails on it")
		return nil
	}
	t.execute(a.call, a.get("sqltext"))
	return nil
}

// bulkInsert: alembic's offline SQL has one INSERT per row.
func (t *translator) bulkInsert(a *args) []pendingStmt {
	schema, name, ok := t.tableRef(a.get("table"))
	if !ok {
		t.noteAt(a.get("table"), a.call, "op.bulk_insert() on a table schemagate cannot read: it is not checked")
		return nil
	}
	rows, known := t.items(a.get("rows"))
	n := 1
	if known {
		n = len(rows)
	}
	table := qname(schema, name)
	order := t.tableColumns(a.get("table"))
	var out []pendingStmt
	for i := range n {
		p := pendingStmt{sql: "INSERT INTO " + table + " DEFAULT VALUES", span: t.span(a), standIn: true}
		if known {
			if sql, ok := t.insertRow(table, rows[i], order); ok {
				p.sql, p.standIn = sql, false
			}
		}
		out = append(out, p)
	}
	return out
}

// insertRow is the INSERT alembic sends for one row of bulk_insert, a
// dict of literals: its columns in the table's order, as SQLAlchemy
// compiles them.
func (t *translator) insertRow(table string, row *expr, order []string) (string, bool) {
	d := t.resolve(row)
	if d == nil || d.kind != exprDict || len(d.rare().keys) == 0 {
		return "", false
	}
	vals := map[string]string{}
	var keys []string
	for i, k := range d.rare().keys {
		name, _, ok := t.strValue(k)
		if !ok {
			return "", false
		}
		v, ok := t.sqlLiteral(d.args[i])
		if !ok {
			return "", false
		}
		vals[name] = v
		keys = append(keys, name)
	}
	var cols, lits []string
	for _, c := range order {
		if v, ok := vals[c]; ok {
			cols, lits = append(cols, qi(c)), append(lits, v)
			delete(vals, c)
		}
	}
	for _, k := range keys {
		if v, ok := vals[k]; ok {
			cols, lits = append(cols, qi(k)), append(lits, v)
		}
	}
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(lits, ", ") + ")", true
}

// tableColumns are the column names of a table construct, in order.
func (t *translator) tableColumns(e *expr) []string {
	r := t.resolve(e)
	if r == nil || r.kind != exprCall {
		return nil
	}
	var out []string
	for _, arg := range r.args {
		c := t.resolve(arg)
		if c == nil || c.kind != exprCall || len(c.args) == 0 {
			continue
		}
		if _, n := t.libName(c.x); n != "column" && n != "Column" {
			continue
		}
		if name, _, ok := t.strValue(c.args[0]); ok {
			out = append(out, name)
		}
	}
	return out
}

// tableRef reads a table construct: sa.table("t", ...), sa.Table("t",
// metadata, ..., schema=...), or the result of op.create_table().
func (t *translator) tableRef(e *expr) (schema, name string, ok bool) {
	r := t.resolve(e)
	if r == nil || r.kind != exprCall {
		return "", "", false
	}
	if t.alembicCall(r) == "create_table" {
		a := t.bindArgs(r, opSpecs["create_table"].params)
		s, _, _ := t.strValue(a.get("schema"))
		n, _, ok := t.strValue(a.get("table_name"))
		return s, n, ok
	}
	if _, n := t.libName(r.x); n != "table" && n != "Table" {
		return "", "", false
	}
	if len(r.args) == 0 {
		return "", "", false
	}
	name, _, ok = t.strValue(r.args[0])
	for _, k := range r.kw {
		if k.name == "schema" {
			schema, _, _ = t.strValue(k.value)
		}
	}
	return schema, name, ok
}

// construct renders SQLAlchemy statement constructs passed to execute:
// table.update()/insert()/delete() (and sa.update(table) ...), with or
// without .where() and .values(); CreateSequence/DropSequence. A data
// change whose values and conditions are literals is rendered as
// SQLAlchemy compiles it; otherwise a stand-in of the same kind on the
// same table gives its operations.
func (t *translator) construct(call, e *expr) ([]pendingStmt, bool) {
	span := t.file.Span(call.start, call.end)
	var conds, values []*expr
	x := e
	for i := 0; i < 32 && x != nil && x.kind == exprCall; i++ {
		_, lib := t.libName(x.x)
		switch lib {
		case "update", "insert", "delete":
			if len(x.args) > 0 {
				if s, n, ok := t.tableRef(x.args[0]); ok {
					return []pendingStmt{t.dml(lib, s, n, x.args[0], values, conds, span)}, true
				}
			}
			return nil, false
		case "CreateSequence", "DropSequence":
			if len(x.args) == 0 {
				return nil, false
			}
			seq := t.resolve(x.args[0])
			if seq.kind != exprCall || len(seq.args) == 0 {
				return nil, false
			}
			sa := t.bindArgs(seq, []string{"name", "start", "increment"})
			qn := qname(t.optName(sa.get("schema"), seq, "schema"), t.name(sa.get("name"), seq, "sequence name"))
			if lib == "CreateSequence" {
				return []pendingStmt{{sql: "CREATE SEQUENCE " + qn, span: span}}, true
			}
			return []pendingStmt{{sql: "DROP SEQUENCE " + qn, span: span}}, true
		}
		if x.x.kind != exprAttr {
			return nil, false
		}
		switch m := x.x.name; m {
		case "update", "insert", "delete":
			// SQLAlchemy 1.x: table.update(whereclause, values=...).
			for _, kw := range x.kw {
				switch kw.name {
				case "values":
					values = append(values, &expr{kind: exprCall, args: []*expr{kw.value}})
				case "whereclause":
					conds = append(conds, &expr{kind: exprCall, args: []*expr{kw.value}})
				}
			}
			if s, n, ok := t.tableRef(x.x.x); ok {
				return []pendingStmt{t.dml(m, s, n, x.x.x, values, conds, span)}, true
			}
		case "where", "filter", "filter_by":
			conds = append(conds, x)
		case "values":
			values = append(values, x)
		}
		x = t.resolve(x.x.x)
	}
	return nil, false
}

// dml is the statement of a data-change construct: as SQLAlchemy
// compiles it when its values and conditions are literals, else a
// stand-in (see dmlSQL).
func (t *translator) dml(kind, schema, name string, table *expr, values, conds []*expr, span source.Span) pendingStmt {
	standIn := pendingStmt{sql: dmlSQL(kind, qname(schema, name), len(conds) > 0), span: span, standIn: true}
	tq := qname(schema, name)
	set := map[string]string{}
	var keys []string
	for i := len(values) - 1; i >= 0; i-- { // the chain was walked from its end
		call := values[i]
		args := call.kw
		if len(call.args) == 1 {
			d := t.resolve(call.args[0])
			if d == nil || d.kind != exprDict {
				return standIn
			}
			args = nil
			for j, k := range d.rare().keys {
				n, _, ok := t.strValue(k)
				if !ok {
					return standIn
				}
				args = append(args, keyword{name: n, value: d.args[j]})
			}
		} else if len(call.args) > 1 {
			return standIn
		}
		for _, kw := range args {
			v, ok := t.sqlLiteral(kw.value)
			if !ok {
				return standIn
			}
			if _, seen := set[kw.name]; !seen {
				keys = append(keys, kw.name)
			}
			set[kw.name] = v
		}
	}
	var cols, lits []string
	for _, c := range append(t.tableColumns(table), keys...) {
		if v, ok := set[c]; ok {
			cols, lits = append(cols, qi(c)), append(lits, v)
			delete(set, c)
		}
	}
	var where []string
	for i := len(conds) - 1; i >= 0; i-- {
		if len(conds[i].kw) > 0 {
			return standIn // filter_by(**kw)
		}
		for _, c := range conds[i].args {
			w, ok := t.whereSQL(c, name)
			if !ok {
				return standIn
			}
			where = append(where, w)
		}
	}
	var sql string
	switch kind {
	case "update":
		if len(cols) == 0 {
			return standIn
		}
		pairs := make([]string, len(cols))
		for i := range cols {
			pairs[i] = cols[i] + "=" + lits[i]
		}
		sql = "UPDATE " + tq + " SET " + strings.Join(pairs, ", ")
	case "delete":
		sql = "DELETE FROM " + tq
	default:
		if len(where) > 0 {
			return standIn
		}
		if len(cols) == 0 {
			return pendingStmt{sql: "INSERT INTO " + tq + " DEFAULT VALUES", span: span}
		}
		return pendingStmt{sql: "INSERT INTO " + tq + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(lits, ", ") + ")", span: span}
	}
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	return pendingStmt{sql: sql, span: span}
}

// whereSQL renders a where() condition of literals: comparisons of a
// column (table.c.name, sa.column("name")) with a value, and sa.and_ /
// sa.or_ of those.
func (t *translator) whereSQL(e *expr, table string) (string, bool) {
	r := t.resolve(e)
	if r == nil {
		return "", false
	}
	switch r.kind {
	case exprCall:
		_, fn := t.libName(r.x)
		if (fn != "and_" && fn != "or_") || len(r.args) == 0 || len(r.kw) > 0 {
			return "", false
		}
		var parts []string
		for _, a := range r.args {
			p, ok := t.whereSQL(a, table)
			if !ok {
				return "", false
			}
			parts = append(parts, p)
		}
		if len(parts) == 1 {
			return parts[0], true
		}
		return "(" + strings.Join(parts, map[string]string{"and_": " AND ", "or_": " OR "}[fn]) + ")", true
	case exprCompare:
		col, ok := t.columnRef(r.x, table)
		if !ok {
			return "", false
		}
		if t.resolve(r.y) != nil && t.resolve(r.y).kind == exprNone {
			switch r.name {
			case "==":
				return col + " IS NULL", true
			case "!=":
				return col + " IS NOT NULL", true
			}
			return "", false
		}
		v, ok := t.sqlLiteral(r.y)
		if !ok {
			return "", false
		}
		switch r.name {
		case "==":
			return col + " = " + v, true
		case "!=", "<", "<=", ">", ">=":
			return col + " " + r.name + " " + v, true
		}
	}
	return "", false
}

// columnRef renders table.c.name (or sa.column("name")) as SQLAlchemy
// qualifies it.
func (t *translator) columnRef(e *expr, table string) (string, bool) {
	r := t.resolve(e)
	if r == nil {
		return "", false
	}
	if r.kind == exprAttr && r.x != nil && r.x.kind == exprAttr && (r.x.name == "c" || r.x.name == "columns") {
		return qi(table) + "." + qi(r.name), true
	}
	if r.kind == exprCall && len(r.args) > 0 {
		if _, fn := t.libName(r.x); fn == "column" {
			if n, _, ok := t.strValue(r.args[0]); ok {
				return qi(n), true
			}
		}
	}
	return "", false
}

// dmlSQL is a statement of the same kind on the same table: operations
// record the table and whether every row is touched, not the values.
func dmlSQL(kind, table string, where bool) string {
	w := ""
	if where {
		w = " WHERE true"
	}
	switch kind {
	case "update":
		return "UPDATE " + table + ` SET "?" = NULL` + w
	case "delete":
		return "DELETE FROM " + table + w
	}
	return "INSERT INTO " + table + " DEFAULT VALUES"
}
