package django

import (
	"fmt"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// version is a Django release, major.minor.
type version struct{ major, minor int }

func (v version) atLeast(major, minor int) bool {
	return v.major > major || v.major == major && v.minor >= minor
}

func (v version) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }

// callCtx is the migration call statements come from.
type callCtx struct {
	start, end int // the call's byte span
	stmt       int // Op.Stmt for its immediate statements
	// stmtUsed is true once SQL written in the call (RunSQL) has taken
	// stmt; further statements get indexes of their own.
	stmtUsed bool
	// cols are the spans of field definitions by column name, for
	// Column.Span.
	cols map[string][2]int
}

// sqlStmt is one SQL statement Django's schema editor executes.
type sqlStmt struct {
	sql      string
	ctx      *callCtx
	deferred bool
	// defaults override Default.Text of columns whose default Django
	// computes in Python (timezone.now): the SQL holds a placeholder.
	defaults map[string]string
	// exprOverride replaces a constraint's or index's Python expression
	// that could not be compiled.
	exprOverride string
	// raw holds the operations of SQL the migration wrote itself
	// (RunSQL), already parsed where it is written.
	raw   []ops.Op
	isRaw bool
	// sent are the statements of that SQL as Django sends them.
	sent []sentStmt
	// implicitTx marks SQL text of several statements sent in one
	// execute(): PostgreSQL runs it as one transaction even when the
	// migration is not atomic.
	implicitTx bool
}

// deferredStmt is a statement Django runs at the end of the migration
// (foreign keys, indexes and unique_together of created tables). Like
// Django's Statement objects, it follows later renames of its table and
// columns in the same migration, and disappears with them.
type deferredStmt struct {
	kind      byte // 'f' foreign key, 'i' index, 'u' unique constraint
	table     string
	columns   []string
	name      string // explicit name; else made from table, columns and suffix
	suffix    string
	refTable  string
	refColumn string
	// index parts
	unique    bool
	using     string
	opclasses []string
	orders    []string
	exprs     []string
	condition string
	include   []string
	ctx       *callCtx
	override  string
}

func (d *deferredStmt) indexName() string {
	if d.name != "" {
		return d.name
	}
	switch d.kind {
	case 'f':
		return createIndexName(d.table, d.columns, strings.NewReplacer("%(to_table)s", bare(d.refTable), "%(to_column)s", d.refColumn).Replace(d.suffix))
	}
	return createIndexName(d.table, d.columns, d.suffix)
}

func (d *deferredStmt) sql() string {
	switch d.kind {
	case 'f':
		return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) DEFERRABLE INITIALLY DEFERRED",
			quoteTable(d.table), quoteName(d.indexName()), quoteName(d.columns[0]), quoteTable(d.refTable), quoteName(d.refColumn))
	case 'u':
		return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE (%s)", quoteTable(d.table), quoteName(d.indexName()), quotedList(d.columns))
	}
	var cols []string
	if len(d.exprs) > 0 {
		cols = d.exprs
	} else {
		for i, c := range d.columns {
			s := quoteName(c)
			if i < len(d.opclasses) && d.opclasses[i] != "" {
				s += " " + d.opclasses[i]
			}
			if i < len(d.orders) && d.orders[i] != "" {
				s += " " + d.orders[i]
			}
			cols = append(cols, s)
		}
	}
	head := "CREATE INDEX"
	if d.unique {
		head = "CREATE UNIQUE INDEX"
	}
	s := fmt.Sprintf("%s %s ON %s%s (%s)", head, quoteName(d.indexName()), quoteTable(d.table), d.using, strings.Join(cols, ", "))
	if len(d.include) > 0 {
		s += " INCLUDE (" + quotedList(d.include) + ")"
	}
	if d.condition != "" {
		s += " WHERE " + d.condition
	}
	return s
}

func (d *deferredStmt) object() *dbObject {
	switch d.kind {
	case 'f':
		return &dbObject{name: d.indexName(), kind: 'f', columns: slices.Clone(d.columns), refs: bare(d.refTable)}
	case 'u':
		return &dbObject{name: d.indexName(), kind: 'u', columns: slices.Clone(d.columns), unique: true}
	}
	cols := slices.Clone(d.columns)
	if len(d.exprs) > 0 {
		cols = nil
	}
	basic := d.using == "" && !strings.HasSuffix(d.indexName(), "_btree")
	return &dbObject{name: d.indexName(), kind: 'i', columns: cols, unique: d.unique, basic: basic}
}

func (d *deferredStmt) referencesTable(t string) bool {
	return d.table == t || d.refTable == t
}

func (d *deferredStmt) referencesColumn(t, c string) bool {
	return (d.table == t && slices.Contains(d.columns, c)) || (d.refTable == t && d.refColumn == c)
}

func quotedList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteName(c)
	}
	return strings.Join(q, ", ")
}

// editor emulates Django's PostgreSQL schema editor: it writes the SQL
// Django executes for each operation, looking constraints up in the
// shadow database as Django introspects the real one.
type editor struct {
	ver      version
	st       *state
	db       *shadowDB
	cur      *callCtx
	out      []sqlStmt
	deferred []*deferredStmt
	notes    []pendingNote
}

type pendingNote struct {
	ctx     *callCtx
	start   int
	end     int
	message string
}

func (e *editor) identity() bool { return e.ver.atLeast(4, 1) }

func (e *editor) note(start, end int, format string, args ...any) {
	e.notes = append(e.notes, pendingNote{ctx: e.cur, start: start, end: end, message: fmt.Sprintf(format, args...)})
}

func (e *editor) exec(sql string) *sqlStmt {
	e.out = append(e.out, sqlStmt{sql: sql, ctx: e.cur})
	return &e.out[len(e.out)-1]
}

func (e *editor) execDeferred(d *deferredStmt) {
	s := e.exec(d.sql())
	s.exprOverride = d.override
	e.db.add(d.table, d.object())
}

// deferStatement queues d for flush, attributed to the current call.
func (e *editor) deferStatement(d *deferredStmt) {
	d.ctx = e.cur
	e.deferred = append(e.deferred, d)
}

// flush runs the deferred statements at the end of a migration, each as
// its own statement attributed to the call that caused it.
func (e *editor) flush(next func() int) {
	for _, d := range e.deferred {
		ctx := *d.ctx
		ctx.stmt = next()
		e.cur = &ctx
		e.execDeferred(d)
		e.out[len(e.out)-1].deferred = true
	}
	e.deferred = nil
}

func (e *editor) dropDeferred(pred func(*deferredStmt) bool) {
	e.deferred = slices.DeleteFunc(e.deferred, pred)
}

// columnSQL is column_sql: the column definition of a field.
func (e *editor) columnSQL(m *model, f *field, includeDefault bool, s *sqlStmt) string {
	def := e.dbType(f)
	if f.dbCollation != "" {
		def += " COLLATE " + quoteName(f.dbCollation)
	}
	if f.dbDefault != nil && e.ver.atLeast(5, 0) {
		expr, ok := (exprCompiler{e, m}).expr(f.dbDefault)
		if !ok && !f.dbDefault.is(kCall) && !f.dbDefault.is(kName) {
			// A constant ({} for a JSONField): Django wraps it in
			// Value(), which the field prepares as it saves a value.
			if lit, lok := e.literal(f.dbDefault, f); lok && !lit.callable {
				expr, ok = lit.sql, true
			}
		}
		if !ok {
			e.note(f.dbDefault.start, f.dbDefault.end, "db_default %s is not an expression schemagate can compile: the default is taken as volatile", f.dbDefault.text)
			expr = "CAST(random() AS " + strings.TrimSuffix(def, " COLLATE "+quoteName(f.dbCollation)) + ")"
			// Findings show the default as the migration writes it.
			s.setDefault(f.column(), f.dbDefault.text)
		}
		def += " DEFAULT " + expr
		includeDefault = false
	}
	if includeDefault {
		if lit, ok := e.effectiveDefault(f); ok {
			def += " DEFAULT " + lit.sql
			if lit.callable {
				s.setDefault(f.column(), lit.text)
			}
		}
	}
	if f.null {
		def += " NULL"
	} else {
		def += " NOT NULL"
	}
	if f.primaryKey {
		def += " PRIMARY KEY"
	} else if f.unique {
		def += " UNIQUE"
	}
	return def
}

func (s *sqlStmt) setDefault(column, text string) {
	if s.defaults == nil {
		s.defaults = map[string]string{}
	}
	s.defaults[column] = text
}

// effectiveDefault is effective_default: the field's default, ” for a
// blank text field that is NOT NULL, now for auto_now(_add), as SQL.
func (e *editor) effectiveDefault(f *field) (literal, bool) {
	switch {
	case f.hasDefault:
		if f.def.is(kNone) {
			return literal{}, false
		}
		lit, ok := e.literal(f.def, f)
		if !ok {
			e.note(f.def.start, f.def.end, "default %s is not a value schemagate can read: it is taken as a constant Django computes when the migration runs", f.def.text)
			return e.callableLiteral(f.def, f), true
		}
		return lit, true
	case !f.null && f.blank && emptyStringsAllowed(f.internal):
		if f.internal == "BinaryField" {
			return literal{sql: `'\x'::bytea`}, true
		}
		return literal{sql: "''"}, true
	case f.autoNow || f.autoNowAdd:
		text := "django.utils.timezone.now()"
		switch f.internal {
		case "DateField":
			text = "datetime.date.today()"
		case "TimeField":
			text = "datetime.datetime.now().time()"
		}
		return literal{sql: "CAST(NULL AS " + e.dbType(f) + ")", callable: true, text: text}, true
	}
	return literal{}, false
}

// createModel is create_model: CREATE TABLE, then (deferred) foreign
// keys, unique_together and indexes, then the auto-created M2M tables.
func (e *editor) createModel(m *model) {
	table := m.table()
	for _, ut := range m.uniqueTogether {
		if cols, ok := e.columns(m, ut); ok {
			e.deferStatement(&deferredStmt{kind: 'u', table: table, columns: cols, suffix: "_uniq"})
		}
	}
	stmt := &sqlStmt{}
	var defs []string
	var objs []*dbObject
	for _, f := range m.fields {
		if !f.hasColumn() {
			continue
		}
		def := e.columnSQL(m, f, false, stmt)
		if c := checkSQL(f); c != "" {
			def += " CHECK (" + c + ")"
			objs = append(objs, &dbObject{name: pgObjectName(bare(table), f.column(), "check"), kind: 'c', columns: []string{f.column()}})
		}
		if suffix := e.identitySuffix(f); suffix != "" {
			def += " " + suffix
		}
		if f.isFK() && f.dbConstraint {
			if t := e.target(f); t != nil {
				e.deferStatement(&deferredStmt{kind: 'f', table: table, columns: []string{f.column()}, suffix: "_fk_%(to_table)s_%(to_column)s", refTable: e.targetModel(f).table(), refColumn: t.column()})
			}
		}
		defs = append(defs, quoteName(f.column())+" "+def)
		switch {
		case f.primaryKey:
			objs = append(objs, &dbObject{name: pgObjectName(bare(table), "", "pkey"), kind: 'p', columns: []string{f.column()}, unique: true})
		case f.unique:
			objs = append(objs, &dbObject{name: pgObjectName(bare(table), f.column(), "key"), kind: 'u', columns: []string{f.column()}, unique: true})
		}
	}
	for _, c := range m.constraints {
		if sql, obj := e.constraintSQL(m, c); sql != "" {
			defs = append(defs, sql)
			objs = append(objs, obj)
		}
	}
	stmt.sql = fmt.Sprintf("CREATE TABLE %s (%s)", quoteTable(table), strings.Join(defs, ", "))
	stmt.ctx = e.cur
	e.out = append(e.out, *stmt)
	for _, o := range objs {
		e.db.add(table, o)
	}
	if e.ver.atLeast(4, 2) {
		if m.dbTableComment != "" {
			e.exec(fmt.Sprintf("COMMENT ON TABLE %s IS %s", quoteTable(table), quoteString(m.dbTableComment)))
		}
		for _, f := range m.fields {
			if f.dbComment != "" && f.hasColumn() {
				e.exec(fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", quoteTable(table), quoteName(f.column()), quoteString(f.dbComment)))
			}
		}
	}
	for _, d := range e.modelIndexes(m) {
		e.deferStatement(d)
	}
	for _, f := range m.fields {
		if f.m2m && f.through == "" {
			e.createModel(e.throughModel(m, f))
		}
	}
}

// columns maps field names to their columns.
func (e *editor) columns(m *model, names []string) ([]string, bool) {
	var out []string
	for _, n := range names {
		f := m.field(n)
		if f == nil {
			e.note(e.cur.start, e.cur.end, "%s has no field %q", m.name, n)
			return nil, false
		}
		out = append(out, f.column())
	}
	return out, true
}

// modelIndexes is _model_indexes_sql: field indexes (and PostgreSQL's
// _like pattern indexes), index_together, Meta.indexes.
func (e *editor) modelIndexes(m *model) []*deferredStmt {
	var out []*deferredStmt
	for _, f := range m.fields {
		if f.hasColumn() {
			out = append(out, e.fieldIndexes(m, f)...)
		}
	}
	for _, it := range m.indexTogether {
		if cols, ok := e.columns(m, it); ok {
			out = append(out, &deferredStmt{kind: 'i', table: m.table(), columns: cols, suffix: "_idx"})
		}
	}
	for _, idx := range m.indexes {
		if d := e.indexStmt(m, idx); d != nil {
			out = append(out, d)
		}
	}
	return out
}

// fieldIndexes is _field_indexes_sql with PostgreSQL's like index.
func (e *editor) fieldIndexes(m *model, f *field) []*deferredStmt {
	var out []*deferredStmt
	if f.dbIndex && !f.unique {
		out = append(out, &deferredStmt{kind: 'i', table: m.table(), columns: []string{f.column()}})
	}
	if d := e.likeIndex(m, f); d != nil {
		out = append(out, d)
	}
	return out
}

// likeIndex is _create_like_index_sql: varchar and text columns with an
// index get a second one with the pattern operator class, for LIKE.
func (e *editor) likeIndex(m *model, f *field) *deferredStmt {
	if !(f.dbIndex || f.unique) {
		return nil
	}
	t := e.dbType(f)
	if strings.Contains(t, "[") {
		return nil
	}
	op := ""
	switch {
	case strings.HasPrefix(t, "varchar"):
		op = "varchar_pattern_ops"
	case strings.HasPrefix(t, "text"):
		op = "text_pattern_ops"
	default:
		return nil
	}
	return &deferredStmt{kind: 'i', table: m.table(), columns: []string{f.column()}, suffix: "_like", opclasses: []string{op}}
}

// indexStmt is Index.create_sql.
func (e *editor) indexStmt(m *model, idx *indexDef) *deferredStmt {
	d := &deferredStmt{kind: 'i', table: m.table(), name: idx.name, opclasses: idx.opclasses}
	if idx.method != "" {
		d.using = " USING " + idx.method
	}
	if len(idx.expressions) > 0 {
		c := exprCompiler{e, m}
		for _, x := range idx.expressions {
			s, ok := c.expr(unwrapOrder(x))
			if !ok {
				e.note(x.start, x.end, "index expression %s is not one schemagate can compile: it is shown as written", x.text)
				s = quoteName(x.text)
			} else {
				s = "(" + s + ")"
			}
			if desc(x) {
				s += " DESC"
			}
			d.exprs = append(d.exprs, s)
		}
	} else {
		for _, fn := range idx.fields {
			name, order := strings.TrimPrefix(fn, "-"), ""
			if strings.HasPrefix(fn, "-") {
				order = "DESC"
			}
			f := m.fieldByAttr(name)
			if f == nil {
				e.note(idx.call.start, idx.call.end, "index %s names %q, which %s does not have", idx.name, name, m.name)
				return nil
			}
			d.columns = append(d.columns, f.column())
			d.orders = append(d.orders, order)
		}
	}
	for _, inc := range idx.include {
		if f := m.fieldByAttr(inc); f != nil {
			d.include = append(d.include, f.column())
		}
	}
	if idx.condition != nil {
		cond, ok := (exprCompiler{e, m}).q(idx.condition)
		if !ok {
			e.note(idx.condition.start, idx.condition.end, "index condition %s is not one schemagate can compile", idx.condition.text)
			cond = "true"
			d.override = idx.condition.text
		}
		d.condition = cond
	}
	return d
}

// unwrapOrder strips .asc()/.desc() and OrderBy() from an index
// expression.
func unwrapOrder(v *value) *value {
	if v.is(kCall) && v.lastName() == "OrderBy" {
		return v.arg(0, "expression")
	}
	return v
}

func desc(v *value) bool {
	if v.is(kCall) && v.lastName() == "OrderBy" {
		b, _ := v.kw("descending").truthy()
		return b
	}
	return false
}

// constraintSQL is Constraint.constraint_sql for CREATE TABLE: "" for
// unique constraints that are really unique indexes (deferred instead).
func (e *editor) constraintSQL(m *model, c *constraintDef) (string, *dbObject) {
	switch c.kind {
	case "check":
		expr := e.checkExpr(m, c)
		return fmt.Sprintf("CONSTRAINT %s CHECK (%s)", quoteName(c.name), expr), &dbObject{name: c.name, kind: 'c', columns: nil}
	case "unique":
		if e.uniqueIsIndex(c) {
			if d := e.uniqueIndex(m, c); d != nil {
				e.deferStatement(d)
			}
			return "", nil
		}
		cols, ok := e.columns(m, c.fields)
		if !ok {
			return "", nil
		}
		return fmt.Sprintf("CONSTRAINT %s UNIQUE%s (%s)%s", quoteName(c.name), e.nullsDistinct(c), quotedList(cols), deferrable(c.deferrable)), &dbObject{name: c.name, kind: 'u', columns: cols, unique: true}
	case "exclusion":
		sql := e.exclusionSQL(m, c)
		return "CONSTRAINT " + quoteName(c.name) + " " + sql, &dbObject{name: c.name, kind: 'x'}
	}
	return "", nil
}

func (e *editor) checkExpr(m *model, c *constraintDef) string {
	expr, ok := (exprCompiler{e, m}).q(c.check)
	if !ok {
		e.note(c.check.start, c.check.end, "check %s is not one schemagate can compile: the constraint is checked without its expression", c.check.text)
		return "true"
	}
	return expr
}

func (e *editor) nullsDistinct(c *constraintDef) string {
	if c.nullsDistinct != nil && !*c.nullsDistinct && e.ver.atLeast(5, 0) {
		return " NULLS NOT DISTINCT"
	}
	return ""
}

func deferrable(d string) string {
	switch d {
	case "deferred":
		return " DEFERRABLE INITIALLY DEFERRED"
	case "immediate":
		return " DEFERRABLE INITIALLY IMMEDIATE"
	}
	return ""
}

func (e *editor) uniqueIsIndex(c *constraintDef) bool {
	return c.condition != nil || len(c.include) > 0 || len(c.opclasses) > 0 || len(c.expressions) > 0
}

// uniqueIndex is the CREATE UNIQUE INDEX of a conditional, covering or
// expression UniqueConstraint.
func (e *editor) uniqueIndex(m *model, c *constraintDef) *deferredStmt {
	d := e.indexStmt(m, &indexDef{name: c.name, fields: c.fields, expressions: c.expressions, opclasses: c.opclasses, condition: c.condition, include: c.include, call: c.call})
	if d != nil {
		d.unique = true
	}
	return d
}

func (e *editor) exclusionSQL(m *model, c *constraintDef) string {
	var parts []string
	method := "gist"
	if v := c.call.kw("index_type"); v != nil {
		if s, ok := v.str(); ok {
			method = strings.ToLower(s)
		}
	}
	ok := true
	for _, x := range c.expressions {
		if !x.is(kTuple) || len(x.items) != 2 {
			ok = false
			break
		}
		var col string
		if s, isStr := x.items[0].str(); isStr {
			if f := m.fieldByAttr(s); f != nil {
				col = quoteName(f.column())
			}
		} else if s, good := (exprCompiler{e, m}).expr(x.items[0]); good {
			col = s
		}
		op := rangeOperators[x.items[1].lastName()]
		if s, isStr := x.items[1].str(); isStr {
			op = s
		}
		if col == "" || op == "" {
			ok = false
			break
		}
		parts = append(parts, col+" WITH "+op)
	}
	if !ok || len(parts) == 0 {
		e.note(c.call.start, c.call.end, "exclusion constraint %s is not one schemagate can compile", c.name)
		return "CHECK (true)"
	}
	s := "EXCLUDE USING " + method + " (" + strings.Join(parts, ", ") + ")"
	if c.condition != nil {
		if cond, ok := (exprCompiler{e, m}).q(c.condition); ok {
			s += " WHERE (" + cond + ")"
		}
	}
	return s + deferrable(c.deferrable)
}

var rangeOperators = map[string]string{
	"EQUAL": "=", "NOT_EQUAL": "<>", "CONTAINS": "@>", "CONTAINED_BY": "<@", "OVERLAPS": "&&",
	"FULLY_LT": "<<", "FULLY_GT": ">>", "NOT_LT": "&>", "NOT_GT": "&<", "ADJACENT_TO": "-|-",
}

// throughModel is the model Django creates for a ManyToManyField
// without through=: <table>_<field> with a foreign key to each side.
func (e *editor) throughModel(m *model, f *field) *model {
	table := f.m2mTable
	if table == "" {
		table = truncateName(m.table()+"_"+f.name, maxNameLength)
	}
	target := f.remote
	from := strings.ToLower(m.name)
	to := target[strings.IndexByte(target, '.')+1:]
	fromName, toName := from, to
	if target == m.key() {
		fromName, toName = "from_"+from, "to_"+to
	}
	pk := e.st.defaultAutoField(m.app)
	t := &model{app: m.app, name: m.name + "_" + f.name, dbTable: table, managed: true, autoCreated: true, fields: []*field{
		{name: "id", class: pk, internal: pk, known: true, primaryKey: true, unique: true},
		{name: fromName, class: "ForeignKey", internal: "ForeignKey", known: true, remote: m.key(), dbIndex: true, dbConstraint: f.dbConstraint, start: f.start, end: f.end},
		{name: toName, class: "ForeignKey", internal: "ForeignKey", known: true, remote: target, dbIndex: true, dbConstraint: f.dbConstraint, start: f.start, end: f.end},
	}}
	t.uniqueTogether = [][]string{{fromName, toName}}
	return t
}

// deleteModel is delete_model.
func (e *editor) deleteModel(m *model) {
	for _, f := range m.fields {
		if f.m2m && f.through == "" {
			e.deleteModel(e.throughModel(m, f))
		}
	}
	table := m.table()
	e.exec(fmt.Sprintf("DROP TABLE %s CASCADE", quoteTable(table)))
	e.db.dropTable(table)
	e.dropDeferred(func(d *deferredStmt) bool { return d.referencesTable(table) })
}

// alterDBTable is alter_db_table.
func (e *editor) alterDBTable(oldTable, newTable string) {
	if oldTable == newTable {
		return
	}
	e.exec(fmt.Sprintf("ALTER TABLE %s RENAME TO %s", quoteTable(oldTable), quoteTable(newTable)))
	e.db.renameTable(oldTable, newTable)
	for _, d := range e.deferred {
		if d.table == oldTable {
			d.table = newTable
		}
		if d.refTable == oldTable {
			d.refTable = newTable
		}
	}
}

// changesColumn tells whether add_field or remove_field changes a
// column of m. A many-to-many field has none: its automatic through
// table (without through=) goes to throughTable instead, to be created
// or deleted.
func (e *editor) changesColumn(m *model, f *field, throughTable func(*model)) bool {
	if f.m2m {
		if f.through == "" {
			throughTable(e.throughModel(m, f))
		}
		return false
	}
	return f.hasColumn()
}

// addField is add_field.
func (e *editor) addField(m *model, f *field) {
	if !e.changesColumn(m, f, e.createModel) {
		return
	}
	table := m.table()
	stmt := &sqlStmt{ctx: e.cur}
	def := e.columnSQL(m, f, true, stmt)
	if e.identity() {
		if suffix := e.identitySuffix(f); suffix != "" {
			def += " " + suffix
		}
	}
	var objs []*dbObject
	if c := checkSQL(f); c != "" {
		def += " CHECK (" + c + ")"
		objs = append(objs, &dbObject{name: pgObjectName(bare(table), f.column(), "check"), kind: 'c', columns: []string{f.column()}})
	}
	if f.isFK() && f.dbConstraint {
		if t := e.target(f); t != nil {
			fk := &deferredStmt{kind: 'f', table: table, columns: []string{f.column()}, suffix: "_fk_%(to_table)s_%(to_column)s", refTable: e.targetModel(f).table(), refColumn: t.column()}
			name := quoteName(fk.indexName())
			def += fmt.Sprintf(" CONSTRAINT %s REFERENCES %s(%s) DEFERRABLE INITIALLY DEFERRED; SET CONSTRAINTS %s IMMEDIATE", name, quoteTable(fk.refTable), quoteName(fk.refColumn), name)
			objs = append(objs, fk.object())
		}
	}
	switch {
	case f.primaryKey:
		objs = append(objs, &dbObject{name: pgObjectName(bare(table), "", "pkey"), kind: 'p', columns: []string{f.column()}, unique: true})
	case f.unique:
		objs = append(objs, &dbObject{name: pgObjectName(bare(table), f.column(), "key"), kind: 'u', columns: []string{f.column()}, unique: true})
	}
	stmt.sql = fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", quoteTable(table), quoteName(f.column()), def)
	e.out = append(e.out, *stmt)
	for _, o := range objs {
		e.db.add(table, o)
	}
	// Django drops the default again: it keeps defaults in Python, not
	// in the database (db_default, Django 5.0+, stays).
	if f.dbDefault == nil || !e.ver.atLeast(5, 0) {
		if _, ok := e.effectiveDefaultQuiet(f); ok {
			e.exec(fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT", quoteTable(table), quoteName(f.column())))
		}
	}
	for _, d := range e.fieldIndexes(m, f) {
		e.deferStatement(d)
	}
	if f.dbComment != "" && e.ver.atLeast(4, 2) {
		e.exec(fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s", quoteTable(table), quoteName(f.column()), quoteString(f.dbComment)))
	}
}

// effectiveDefaultQuiet is effectiveDefault without notes.
func (e *editor) effectiveDefaultQuiet(f *field) (literal, bool) {
	n := len(e.notes)
	lit, ok := e.effectiveDefault(f)
	e.notes = e.notes[:n]
	return lit, ok
}

// removeField is remove_field.
func (e *editor) removeField(m *model, f *field) {
	if !e.changesColumn(m, f, e.deleteModel) {
		return
	}
	table := m.table()
	if f.isFK() {
		for _, name := range e.db.names(table, []string{f.column()}, filter{foreignKey: yes()}) {
			e.dropFK(table, name)
		}
	}
	e.exec(fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s CASCADE", quoteTable(table), quoteName(f.column())))
	e.db.dropColumn(table, f.column())
	col := f.column()
	e.dropDeferred(func(d *deferredStmt) bool { return d.referencesColumn(table, col) })
}

func (e *editor) dropFK(table, name string) {
	e.exec(fmt.Sprintf("SET CONSTRAINTS %s IMMEDIATE; ALTER TABLE %s DROP CONSTRAINT %s", quoteName(name), quoteTable(table), quoteName(name)))
	e.db.drop(table, name)
}

func (e *editor) dropConstraint(table, name string) {
	e.exec(fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quoteTable(table), quoteName(name)))
	e.db.drop(table, name)
}

func (e *editor) dropIndex(name string, concurrently bool) {
	c := ""
	if concurrently {
		c = " CONCURRENTLY"
	}
	e.exec(fmt.Sprintf("DROP INDEX%s IF EXISTS %s", c, quoteName(name)))
	e.db.dropIndex(name)
}

// addIndex is add_index.
func (e *editor) addIndex(m *model, idx *indexDef, concurrently bool) {
	d := e.indexStmt(m, idx)
	if d == nil {
		return
	}
	d.ctx = e.cur
	sql := d.sql()
	if concurrently {
		sql = strings.Replace(sql, "INDEX ", "INDEX CONCURRENTLY ", 1)
	}
	s := e.exec(sql)
	s.exprOverride = d.override
	e.db.add(d.table, d.object())
}

// addConstraint is add_constraint.
func (e *editor) addConstraint(m *model, c *constraintDef, notValid bool) {
	table := m.table()
	switch c.kind {
	case "check":
		expr := e.checkExpr(m, c)
		sql := fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s)", quoteTable(table), quoteName(c.name), expr)
		if notValid {
			sql += " NOT VALID"
		}
		s := e.exec(sql)
		if expr == "true" && c.check != nil {
			s.exprOverride = c.check.text
		}
		e.db.add(table, &dbObject{name: c.name, kind: 'c'})
	case "unique":
		if e.uniqueIsIndex(c) {
			if d := e.uniqueIndex(m, c); d != nil {
				d.ctx = e.cur
				e.execDeferred(d)
			}
			return
		}
		cols, ok := e.columns(m, c.fields)
		if !ok {
			return
		}
		e.exec(fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE%s (%s)%s", quoteTable(table), quoteName(c.name), e.nullsDistinct(c), quotedList(cols), deferrable(c.deferrable)))
		e.db.add(table, &dbObject{name: c.name, kind: 'u', columns: cols, unique: true})
	case "exclusion":
		e.exec(fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", quoteTable(table), quoteName(c.name), e.exclusionSQL(m, c)))
		e.db.add(table, &dbObject{name: c.name, kind: 'x'})
	}
}

// removeConstraint is remove_constraint.
func (e *editor) removeConstraint(m *model, c *constraintDef) {
	if c.kind == "unique" && e.uniqueIsIndex(c) {
		e.dropIndex(c.name, false)
		return
	}
	e.dropConstraint(m.table(), c.name)
}

// alterUniqueTogether is alter_unique_together.
func (e *editor) alterUniqueTogether(m *model, olds, news [][]string) {
	for _, fields := range togetherDiff(olds, news) {
		e.deleteComposedIndex(m, fields, filter{unique: yes()}, false)
	}
	for _, fields := range togetherDiff(news, olds) {
		if cols, ok := e.columns(m, fields); ok {
			d := &deferredStmt{kind: 'u', table: m.table(), columns: cols, suffix: "_uniq", ctx: e.cur}
			e.execDeferred(d)
		}
	}
}

// alterIndexTogether is alter_index_together.
func (e *editor) alterIndexTogether(m *model, olds, news [][]string) {
	for _, fields := range togetherDiff(olds, news) {
		e.deleteComposedIndex(m, fields, filter{index: yes(), unique: no()}, true)
	}
	for _, fields := range togetherDiff(news, olds) {
		if cols, ok := e.columns(m, fields); ok {
			d := &deferredStmt{kind: 'i', table: m.table(), columns: cols, suffix: "_idx", ctx: e.cur}
			e.execDeferred(d)
		}
	}
}

// togetherDiff is the set difference a - b of field tuples, in a's order.
func togetherDiff(a, b [][]string) [][]string {
	var out [][]string
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y []string) bool { return slices.Equal(x, y) }) {
			out = append(out, x)
		}
	}
	return out
}

// deleteComposedIndex is _delete_composed_index: the one constraint or
// index on exactly these columns, not declared in Meta.
func (e *editor) deleteComposedIndex(m *model, fields []string, f filter, index bool) {
	cols, ok := e.columns(m, fields)
	if !ok {
		return
	}
	f.exclude = map[string]bool{}
	for _, c := range m.constraints {
		f.exclude[c.name] = true
	}
	for _, i := range m.indexes {
		f.exclude[i.name] = true
	}
	names := e.db.names(m.table(), cols, f)
	if len(names) != 1 {
		e.note(e.cur.start, e.cur.end, "Django looks for exactly one constraint on %s(%s) here and finds %d: the migration would stop with ValueError", m.table(), strings.Join(cols, ", "), len(names))
		if len(names) == 0 {
			return
		}
	}
	if index {
		e.dropIndex(names[0], false)
	} else {
		e.dropConstraint(m.table(), names[0])
	}
}
