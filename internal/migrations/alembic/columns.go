package alembic

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// column is a sa.Column(...) as SQLAlchemy reads it.
type column struct {
	name     string
	span     source.Span // the column's name in the file
	typ      colType
	hasType  bool
	nullable *bool
	pk       bool
	autoinc  string // "auto", "true", "false", "ignore_fk"
	def      string // the DEFAULT expression SQL (server_default), "" for none
	// pyDefault is a Python-side default= (or a Sequence): it never
	// reaches the database, but it stops SQLAlchemy from making the
	// column SERIAL.
	pyDefault bool
	index     bool
	unique    bool
	fks       []fkDef
	checks    []string // inline CHECK constraints (sa.CheckConstraint as a Column argument)
	identity  string
	computed  string
	comment   *string
}

// fkDef is a foreign key, from sa.ForeignKey or sa.ForeignKeyConstraint.
type fkDef struct {
	name      string
	cols      []string
	refSchema string
	refTable  string
	refCols   []string
	tail      string // MATCH / ON DELETE / ON UPDATE / DEFERRABLE / INITIALLY / NOT VALID
}

func (f fkDef) sql() string {
	s := ""
	if f.name != "" {
		s = "CONSTRAINT " + qi(f.name) + " "
	}
	return s + "FOREIGN KEY(" + qiList(f.cols) + ") REFERENCES " + qname(f.refSchema, f.refTable) + " (" + qiList(f.refCols) + ")" + f.tail
}

func qiList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = qi(n)
	}
	return strings.Join(q, ", ")
}

// isNullable applies SQLAlchemy's rule: nullable unless given, or a
// primary key column.
func (c *column) isNullable() bool {
	if c.nullable != nil {
		return *c.nullable
	}
	return !c.pk
}

// column reads a sa.Column(...) expression.
func (t *translator) column(e, call *expr) *column {
	r := t.resolve(e)
	if r == nil || r.kind != exprCall {
		t.noteAt(e, call, "`%s` is not a sa.Column(...) schemagate can read: it is not checked", t.source(e))
		return nil
	}
	if _, n := t.libName(r.x); n != "Column" {
		t.noteAt(e, call, "`%s` is not a sa.Column(...) schemagate can read: it is not checked", t.source(e))
		return nil
	}
	c := &column{autoinc: "auto"}
	a := t.bindArgs(r, []string{"*args"})
	pos := a.rest
	nameExpr := a.get("name")
	if nameExpr == nil && len(pos) > 0 && !t.isSchemaItem(pos[0]) && !t.isTypeExpr(pos[0]) {
		nameExpr, pos = pos[0], pos[1:]
	}
	if nameExpr == nil {
		t.noteAt(r, call, "a column without a name: alembic fails on it")
		c.name = "?"
		c.span = t.file.Span(r.start, r.end)
	} else {
		c.name = t.name(nameExpr, r, "column name")
		c.span = t.exprSpan(nameExpr, r)
	}
	typeExpr := a.get("type_")
	if typeExpr == nil && len(pos) > 0 && !t.isSchemaItem(pos[0]) {
		typeExpr, pos = pos[0], pos[1:]
	}
	if typeExpr != nil {
		c.typ, c.hasType = t.typeSQL(typeExpr, r), true
	}
	for _, it := range pos {
		t.columnItem(c, it, r)
	}
	if v := a.get("nullable"); v != nil {
		b := t.boolValue(v, true)
		c.nullable = &b
	}
	c.pk = t.boolValue(a.get("primary_key"), false)
	c.index = t.boolValue(a.get("index"), false)
	c.unique = t.boolValue(a.get("unique"), false)
	if v := a.get("autoincrement"); v != nil {
		if s, ok := t.literal(v); ok {
			switch s {
			case "True":
				c.autoinc = "true"
			case "False":
				c.autoinc = "false"
			default:
				c.autoinc = s
			}
		}
	}
	if v := a.get("default"); v != nil && !t.isNone(v) {
		c.pyDefault = true
	}
	if v := a.get("server_default"); v != nil && !t.isNone(v) {
		c.def = t.defaultSQL(v, r)
	}
	if v := a.get("comment"); v != nil && !t.isNone(v) {
		s := t.name(v, r, "comment")
		c.comment = &s
	}
	if !c.hasType {
		t.noteAt(r, call, "column %s has no type: SQLAlchemy takes it from the foreign key's target, which schemagate does not know", c.name)
		c.typ = colType{sql: qi("?")}
	}
	return c
}

// exprSpan is the span of e in the file, or of fallback when e has no
// place (a value only known at run time).
func (t *translator) exprSpan(e, fallback *expr) source.Span {
	if e == nil || e.start < 0 {
		e = fallback
	}
	return t.file.Span(e.start, e.end)
}

// isSchemaItem reports the positional Column arguments that are not a
// name or a type.
func (t *translator) isSchemaItem(e *expr) bool {
	r := t.resolve(e)
	if r.kind != exprCall {
		return false
	}
	_, n := t.libName(r.x)
	switch n {
	case "ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "FetchedValue", "DefaultClause":
		return true
	}
	return false
}

// isTypeExpr tells a Column's type argument from its name: a name is a
// string (or a value only known at run time), a type is a class or a
// constructor call.
func (t *translator) isTypeExpr(e *expr) bool {
	r := t.resolve(e)
	if _, _, isString := t.strValue(r); isString {
		return false
	}
	switch r.kind {
	case exprCall, exprAttr:
		return true
	case exprName:
		lib, _ := t.libName(r)
		return lib != ""
	}
	return false
}

func (t *translator) columnItem(c *column, e, call *expr) {
	r := t.resolve(e)
	_, n := "", ""
	if r.kind == exprCall {
		_, n = t.libName(r.x)
	}
	switch n {
	case "ForeignKey":
		c.fks = append(c.fks, t.foreignKey(r, c.name))
	case "Sequence":
		// A Sequence default stops SERIAL unless it is optional=True
		// (used only where the database has no SERIAL).
		a := t.bindArgs(r, []string{"name", "start", "increment"})
		c.pyDefault = !t.boolValue(a.get("optional"), false)
	case "Identity":
		c.identity = t.identitySQL(r)
	case "Computed":
		a := t.bindArgs(r, []string{"sqltext", "persisted"})
		if s, ok := t.rawSQL(a.get("sqltext"), "SELECT %s"); ok {
			c.computed = "GENERATED ALWAYS AS (" + s + ") STORED"
		}
	case "CheckConstraint":
		if s, ok := t.checkSQL(r); ok {
			c.checks = append(c.checks, s)
		}
	case "FetchedValue":
	case "DefaultClause":
		if len(r.args) > 0 {
			c.def = t.defaultSQL(r.args[0], call)
		}
	default:
		t.noteAt(e, call, "schemagate does not know the column argument `%s`: it is not checked", t.source(e))
	}
}

// foreignKey reads sa.ForeignKey("table.column", ...) on column col.
func (t *translator) foreignKey(r *expr, col string) fkDef {
	a := t.bindArgs(r, []string{"column", "_constraint", "use_alter", "name", "onupdate", "ondelete", "deferrable", "initially"})
	f := fkDef{cols: []string{col}, name: t.optName(a.get("name"), r, "constraint name")}
	target := t.name(a.get("column"), r, "foreign key target")
	f.refSchema, f.refTable, f.refCols = splitTarget(target)
	f.tail = t.fkTail(a)
	return f
}

// splitTarget splits "schema.table.column" / "table.column".
func splitTarget(s string) (schema, table string, cols []string) {
	parts := strings.Split(s, ".")
	switch len(parts) {
	case 1:
		return "", s, nil
	case 2:
		return "", parts[0], []string{parts[1]}
	}
	n := len(parts)
	return strings.Join(parts[:n-2], "."), parts[n-2], []string{parts[n-1]}
}

// fkTail renders the options of a foreign key in the order SQLAlchemy's
// PostgreSQL dialect does.
func (t *translator) fkTail(a *args) string {
	s := ""
	if m, ok := t.literal(a.get("match")); ok {
		s += " MATCH " + m
	}
	if v, ok := t.literal(a.get("ondelete")); ok {
		s += " ON DELETE " + v
	}
	if v, ok := t.literal(a.get("onupdate")); ok {
		s += " ON UPDATE " + v
	}
	s += t.deferrable(a)
	if t.boolValue(a.get("postgresql_not_valid"), false) {
		s += " NOT VALID"
	}
	return s
}

func (t *translator) deferrable(a *args) string {
	s := ""
	if d := a.get("deferrable"); d != nil && !t.isNone(d) {
		if t.boolValue(d, false) {
			s += " DEFERRABLE"
		} else {
			s += " NOT DEFERRABLE"
		}
	}
	if v, ok := t.literal(a.get("initially")); ok {
		s += " INITIALLY " + v
	}
	return s
}

func (t *translator) identitySQL(r *expr) string {
	a := t.bindArgs(r, []string{"always", "on_null", "start", "increment"})
	s := "GENERATED BY DEFAULT AS IDENTITY"
	if t.boolValue(a.get("always"), false) {
		s = "GENERATED ALWAYS AS IDENTITY"
	}
	var opts []string
	if n, ok := t.literal(a.get("start")); ok {
		opts = append(opts, "START WITH "+n)
	}
	if n, ok := t.literal(a.get("increment")); ok {
		opts = append(opts, "INCREMENT BY "+n)
	}
	if len(opts) > 0 {
		s += " (" + strings.Join(opts, " ") + ")"
	}
	return s
}

// checkSQL renders sa.CheckConstraint("sql", name=...).
func (t *translator) checkSQL(r *expr) (string, bool) {
	a := t.bindArgs(r, []string{"sqltext", "name", "deferrable", "initially"})
	cond, ok := t.condition(a.get("sqltext"), r)
	if !ok {
		return "", false
	}
	s := ""
	if n := t.optName(a.get("name"), r, "constraint name"); n != "" {
		s = "CONSTRAINT " + qi(n) + " "
	}
	s += "CHECK (" + cond + ")"
	if t.boolValue(a.get("postgresql_not_valid"), false) {
		s += " NOT VALID"
	}
	return s, true
}

// condition reads a CHECK condition: SQL text (a string or sa.text()).
func (t *translator) condition(e, call *expr) (string, bool) {
	r := t.resolve(e)
	if r == nil {
		t.noteAt(call, call, "a check constraint without a condition")
		return "", false
	}
	if r.kind == exprCall {
		if _, n := t.libName(r.x); (n == "text" || n == "literal_column") && len(r.args) > 0 {
			r = t.resolve(r.args[0])
		}
	}
	if r.kind != exprString {
		t.noteAt(e, call, "schemagate reads check conditions written as SQL text, not `%s`: this constraint is not checked", t.source(e))
		return "", false
	}
	return t.rawSQL(r, "SELECT 1 WHERE %s")
}

// ansiFunctions are rendered without parentheses by SQLAlchemy.
var ansiFunctions = map[string]bool{
	"current_date": true, "current_time": true, "current_timestamp": true, "current_user": true,
	"localtime": true, "localtimestamp": true, "session_user": true, "user": true,
}

// defaultSQL renders a server_default: a string is a quoted literal,
// sa.text() is SQL, sa.func.now() a function call. What it cannot render
// stands as a placeholder function call (so the default still counts, as
// volatile) and is noted.
func (t *translator) defaultSQL(e, call *expr) string {
	n := len(t.notes)
	if s, ok := t.sqlValue(e, true, 0); ok {
		return s
	}
	if t.pythonString(e) {
		// constants.ONLINE, str(timeutils.utcnow()): Python computes the
		// value once, and SQLAlchemy writes it as a string literal.
		name := fmt.Sprintf("'schemagate_unknown_default_%d'", len(t.unknownDefaults)+1)
		t.unknownDefaults[name] = t.source(e)
		return name
	}
	name := fmt.Sprintf("schemagate_unknown_default_%d()", len(t.unknownDefaults)+1)
	t.unknownDefaults[name] = t.source(e)
	if len(t.notes) == n {
		// (A syntax error in sa.text() was reported already.)
		t.noteAt(e, call, "schemagate cannot read the server default `%s`: it is treated as a volatile expression", t.source(e))
	}
	return name
}

// pythonString reports whether a server default is a value Python
// computes and SQLAlchemy renders as a string literal: str(...), or a
// name from a module that is not SQLAlchemy's (constants.ONLINE).
func (t *translator) pythonString(e *expr) bool {
	r := t.resolve(e)
	if r == nil {
		return false
	}
	if r.kind == exprCall && r.x != nil && r.x.kind == exprName && r.x.name == "str" {
		return true
	}
	if r.kind != exprAttr {
		return false
	}
	root := r
	for root.kind == exprAttr {
		root = root.x
	}
	if root.kind != exprName {
		return false
	}
	if _, imported := t.mod.imports[root.name]; !imported {
		return false
	}
	lib, _ := t.libName(r)
	return lib == ""
}

// sqlValue renders a SQLAlchemy expression used as a value in DDL (a
// server default, a function argument).
func (t *translator) sqlValue(e *expr, top bool, depth int) (string, bool) {
	r := t.resolve(e)
	if r == nil || depth > 32 {
		return "", false
	}
	switch r.kind {
	case exprString:
		s, _, ok := t.strValue(r)
		return lit(s), ok
	case exprNumber:
		if top {
			// SQLAlchemy refuses an int as server_default.
			return "", false
		}
		return r.text, true
	case exprBool:
		if top {
			return "", false
		}
		return strings.ToLower(r.text), true
	case exprNone:
		return "NULL", !top
	case exprCall:
		q := t.qualify(r.x)
		if i := strings.Index(q, "func."); i >= 0 && (i == 0 || q[i-1] == '.') {
			fname := q[i+len("func."):]
			if ansiFunctions[strings.ToLower(fname)] && len(r.args) == 0 {
				return strings.ToUpper(fname), true
			}
			var as []string
			for _, x := range r.args {
				s, ok := t.sqlValue(x, false, depth+1)
				if !ok {
					return "", false
				}
				as = append(as, s)
			}
			return fname + "(" + strings.Join(as, ", ") + ")", true
		}
		_, n := t.libName(r.x)
		switch n {
		case "text", "literal_column":
			if len(r.args) > 0 {
				return t.rawSQL(r.args[0], "SELECT %s")
			}
		case "true", "false":
			return n, true
		case "null":
			return "NULL", true
		case "literal":
			if len(r.args) > 0 {
				return t.sqlValue(r.args[0], false, depth+1)
			}
		case "column":
			if len(r.args) > 0 {
				if s, _, ok := t.strValue(r.args[0]); ok {
					return qi(s), true
				}
			}
		case "DefaultClause":
			if len(r.args) > 0 {
				return t.sqlValue(r.args[0], top, depth+1)
			}
		}
	}
	return "", false
}

// autoincrement returns the column SQLAlchemy makes SERIAL among the
// primary key columns of a table (Table._autoincrement_column with the
// PostgreSQL dialect's SERIAL rule), or nil.
func autoincrement(pk []*column) *column {
	valid := func(c *column, explicit bool) bool {
		if c.typ.serial == "" {
			return false
		}
		if explicit {
			return true
		}
		return !c.pyDefault && c.def == "" && (len(c.fks) == 0 || c.autoinc == "ignore_fk")
	}
	var col *column
	if len(pk) == 1 {
		c := pk[0]
		switch {
		case c.autoinc == "true" && valid(c, true):
			col = c
		case (c.autoinc == "auto" || c.autoinc == "ignore_fk") && valid(c, false):
			col = c
		}
	} else {
		for _, c := range pk {
			if c.autoinc == "true" && valid(c, true) {
				col = c
				break
			}
		}
	}
	if col == nil || col.identity != "" || col.pyDefault {
		return nil
	}
	return col
}

// spec renders a column definition as PostgreSQL's dialect does
// (get_column_specification plus inline constraints).
func (c *column) spec(serial bool) string { return c.specAfter("", serial) }

// specAfter is head followed by the column's spec, built in one
// allocation: a revision may add thousands of columns.
func (c *column) specAfter(head string, serial bool) string {
	var s strings.Builder
	s.Grow(len(head) + len(c.name) + len(c.typ.serial) + len(c.typ.sql) + len(c.def) + len(c.computed) + len(c.identity) + 32)
	s.WriteString(head)
	s.WriteString(qi(c.name))
	s.WriteString(" ")
	if serial {
		s.WriteString(c.typ.serial)
	} else {
		s.WriteString(c.typ.sql)
		if c.def != "" {
			s.WriteString(" DEFAULT ")
			s.WriteString(c.def)
		}
	}
	if c.computed != "" {
		s.WriteString(" ")
		s.WriteString(c.computed)
	}
	if c.identity != "" {
		s.WriteString(" ")
		s.WriteString(c.identity)
	}
	switch n := c.isNullable(); {
	case !n && c.identity == "":
		s.WriteString(" NOT NULL")
	case n && c.identity != "":
		s.WriteString(" NULL")
	}
	for _, k := range c.checks {
		s.WriteString(" ")
		s.WriteString(k)
	}
	return s.String()
}

// flagConstraints are the constraints a column's own arguments add to its
// table (unique=True without index=True, ForeignKey, a non-native enum's
// CHECK), in the order SQLAlchemy creates them.
func (c *column) flagConstraints() []string {
	var out []string
	if c.unique && !c.index {
		out = append(out, "UNIQUE ("+qi(c.name)+")")
	}
	for _, f := range c.fks {
		out = append(out, f.sql())
	}
	if c.typ.hasCheck {
		quoted := make([]string, len(c.typ.check))
		for i, l := range c.typ.check {
			quoted[i] = lit(l)
		}
		s := ""
		if c.typ.checkName != "" {
			s = "CONSTRAINT " + qi(c.typ.checkName) + " "
		}
		out = append(out, s+"CHECK ("+qi(c.name)+" IN ("+strings.Join(quoted, ", ")+"))")
	}
	return out
}

// defaultIndexName is SQLAlchemy's default naming convention for
// indexes, ix_%(column_0_label)s: the column's label includes the schema
// and the table.
func defaultIndexName(schema, table, col string) string {
	if schema != "" {
		return "ix_" + schema + "_" + table + "_" + col
	}
	return "ix_" + table + "_" + col
}
