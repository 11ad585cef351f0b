package alembic

import (
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// colType is a column type as SQLAlchemy's PostgreSQL dialect renders it.
type colType struct {
	sql string
	// serial is the SERIAL form for an autoincrement primary key
	// ("SERIAL", "BIGSERIAL", "SMALLSERIAL"); "" for types without
	// integer/numeric affinity, which never autoincrement.
	serial string
	// enums are the native enum types a CREATE TABLE creates first.
	enums []enumType
	// check is the CHECK a non-native Enum(create_constraint=True) adds:
	// the labels and the constraint's name.
	check     []string
	checkName string
	hasCheck  bool
}

type enumType struct {
	schema, name string
	labels       []string
	create       bool // false for postgresql.ENUM(create_type=False)
}

// typeSQL renders a SQLAlchemy type expression (an instance or a class:
// sa.String(50), sa.Integer) as PostgreSQL type SQL. ok is false for types
// it does not know (application TypeDecorators): a note says so and the
// type is named by its Python text.
func (t *translator) typeSQL(e, call *expr) colType {
	ct, ok := t.typeOf(e, 0)
	if !ok {
		t.noteAt(e, call, "schemagate does not know the column type `%s`: its PostgreSQL type is taken as unknown", t.source(e))
		return colType{sql: qi(t.source(e))}
	}
	return ct
}

func (t *translator) typeOf(e *expr, depth int) (colType, bool) {
	if e == nil || depth > 8 {
		return colType{}, false
	}
	e = t.resolve(e)
	cls, call := e, (*expr)(nil)
	if e.kind == exprCall {
		cls, call = e.x, e
	}
	if call != nil && cls.kind == exprAttr {
		switch cls.name {
		case "with_variant":
			// sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
			a := t.bindArgs(call, []string{"type_", "*dialect_name"})
			for _, d := range a.rest {
				if s, ok := t.literal(d); ok && s == "postgresql" {
					return t.typeOf(a.get("type_"), depth+1)
				}
			}
			return t.typeOf(cls.x, depth+1)
		case "evaluates_none", "copy":
			return t.typeOf(cls.x, depth+1)
		}
	}
	lib, name := t.libName(cls)
	if lib == "" || lib == "alembic" {
		return colType{}, false
	}
	if call == nil {
		call = &expr{kind: exprCall, x: cls, start: cls.start, end: cls.end}
	}
	switch name {
	case "String", "VARCHAR", "Unicode", "NVARCHAR", "AutoString":
		return t.lengthType(call, "VARCHAR"), true
	case "CHAR", "NCHAR":
		return t.lengthType(call, "CHAR"), true
	case "Text", "UnicodeText", "TEXT":
		a := t.bindArgs(call, []string{"length", "collation"})
		return colType{sql: "TEXT" + t.collation(a)}, true
	case "CITEXT":
		return colType{sql: "CITEXT"}, true
	case "Integer", "INTEGER", "INT":
		return colType{sql: "INTEGER", serial: "SERIAL"}, true
	case "BigInteger", "BIGINT":
		return colType{sql: "BIGINT", serial: "BIGSERIAL"}, true
	case "SmallInteger", "SMALLINT":
		return colType{sql: "SMALLINT", serial: "SMALLSERIAL"}, true
	case "Boolean", "BOOLEAN":
		return colType{sql: "BOOLEAN"}, true
	case "DateTime", "TIMESTAMP":
		return t.timeType(call, "TIMESTAMP"), true
	case "Time", "TIME":
		return t.timeType(call, "TIME"), true
	case "Date", "DATE":
		return colType{sql: "DATE"}, true
	case "Interval", "INTERVAL":
		params := []string{"precision", "fields"} // postgresql.INTERVAL
		if name == "Interval" {
			params = []string{"native", "second_precision", "day_precision"}
		}
		a := t.bindArgs(call, params)
		s := "INTERVAL"
		if f, ok := t.literal(a.get("fields")); ok {
			s += " " + strings.ToUpper(f)
		}
		p := a.get("precision")
		if p == nil {
			p = a.get("second_precision")
		}
		if n, ok := t.intValue(p); ok {
			s += "(" + strconv.Itoa(n) + ")"
		}
		return colType{sql: s}, true
	case "Numeric", "NUMERIC", "DECIMAL":
		a := t.bindArgs(call, []string{"precision", "scale"})
		s := name
		if name == "Numeric" {
			s = "NUMERIC"
		}
		if p, ok := t.intValue(a.get("precision")); ok {
			if sc, ok := t.intValue(a.get("scale")); ok {
				s += "(" + strconv.Itoa(p) + ", " + strconv.Itoa(sc) + ")"
			} else {
				s += "(" + strconv.Itoa(p) + ")"
			}
		}
		return colType{sql: s, serial: "SERIAL"}, true
	case "Float", "FLOAT":
		a := t.bindArgs(call, []string{"precision"})
		s := "FLOAT"
		if p, ok := t.intValue(a.get("precision")); ok {
			s += "(" + strconv.Itoa(p) + ")"
		}
		return colType{sql: s, serial: "SERIAL"}, true
	case "REAL":
		return colType{sql: "REAL", serial: "SERIAL"}, true
	case "Double", "DOUBLE", "DOUBLE_PRECISION":
		return colType{sql: "DOUBLE PRECISION", serial: "SERIAL"}, true
	case "UUID", "Uuid", "UUIDType":
		return colType{sql: "UUID"}, true
	case "JSON":
		return colType{sql: "JSON"}, true
	case "JSONB":
		return colType{sql: "JSONB"}, true
	case "LargeBinary", "BYTEA", "BLOB", "BINARY", "VARBINARY", "PickleType":
		return colType{sql: "BYTEA"}, true
	case "ARRAY":
		a := t.bindArgs(call, []string{"item_type", "as_tuple", "dimensions"})
		item, ok := t.typeOf(a.get("item_type"), depth+1)
		if !ok {
			return colType{}, false
		}
		dims := 1
		if n, ok := t.intValue(a.get("dimensions")); ok && n > 0 {
			dims = n
		}
		return colType{sql: item.sql + strings.Repeat("[]", dims), enums: item.enums}, true
	case "Enum", "ENUM":
		return t.enumType(call, name)
	case "BIT":
		a := t.bindArgs(call, []string{"length", "varying"})
		s := "BIT"
		if t.boolValue(a.get("varying"), false) {
			s = "BIT VARYING"
		}
		if n, ok := t.intValue(a.get("length")); ok {
			s += "(" + strconv.Itoa(n) + ")"
		} else if s == "BIT" {
			s += "(1)"
		}
		return colType{sql: s}, true
	case "INET", "CIDR", "MACADDR", "MACADDR8", "MONEY", "OID", "REGCLASS", "TSVECTOR", "TSQUERY",
		"HSTORE", "INT4RANGE", "INT8RANGE", "NUMRANGE", "DATERANGE", "TSRANGE", "TSTZRANGE",
		"INT4MULTIRANGE", "INT8MULTIRANGE", "NUMMULTIRANGE", "DATEMULTIRANGE", "TSMULTIRANGE", "TSTZMULTIRANGE":
		return colType{sql: name}, true
	case "Geometry", "Geography":
		a := t.bindArgs(call, []string{"geometry_type", "srid"})
		gt, srid := "GEOMETRY", "-1"
		if s, ok := t.literal(a.get("geometry_type")); ok {
			gt = strings.ToUpper(s)
		}
		if s, ok := t.literal(a.get("srid")); ok {
			srid = s
		}
		return colType{sql: strings.ToLower(name) + "(" + gt + "," + srid + ")"}, true
	}
	return colType{}, false
}

func (t *translator) lengthType(call *expr, sqlName string) colType {
	a := t.bindArgs(call, []string{"length", "collation"})
	s := sqlName
	if n, ok := t.intValue(a.get("length")); ok {
		s += "(" + strconv.Itoa(n) + ")"
	}
	return colType{sql: s + t.collation(a)}
}

func (t *translator) collation(a *args) string {
	if c, ok := t.literal(a.get("collation")); ok {
		return " COLLATE " + qi(c)
	}
	return ""
}

// timeType renders DateTime/TIMESTAMP/Time/TIME: PostgreSQL's dialect
// always spells the time zone out.
func (t *translator) timeType(call *expr, sqlName string) colType {
	a := t.bindArgs(call, []string{"timezone", "precision"})
	s := sqlName
	if n, ok := t.intValue(a.get("precision")); ok {
		s += "(" + strconv.Itoa(n) + ")"
	}
	if t.boolValue(a.get("timezone"), false) {
		return colType{sql: s + " WITH TIME ZONE"}
	}
	return colType{sql: s + " WITHOUT TIME ZONE"}
}

// enumType renders sa.Enum/postgresql.ENUM: a named native type created
// with the table, or with native_enum=False a VARCHAR as long as the
// longest label (and a CHECK when create_constraint=True).
func (t *translator) enumType(call *expr, cls string) (colType, bool) {
	a := t.bindArgs(call, []string{"*enums"})
	var labels []string
	known := true
	for _, l := range a.rest {
		s, ok := t.literal(l)
		if !ok {
			known = false
			continue
		}
		labels = append(labels, s)
	}
	if !known || len(a.rest) == 0 {
		if len(a.rest) > 0 || a.get("values_callable") != nil {
			t.noteAt(call, call, "the labels of this enum come from a Python class: schemagate does not know them")
		}
	}
	if !t.boolValue(a.get("native_enum"), true) {
		n := 0
		for _, l := range labels {
			n = max(n, len([]rune(l)))
		}
		if v, ok := t.intValue(a.get("length")); ok {
			n = v
		}
		ct := colType{sql: "VARCHAR"}
		if n > 0 {
			ct.sql += "(" + strconv.Itoa(n) + ")"
		}
		if t.boolValue(a.get("create_constraint"), false) {
			ct.hasCheck, ct.check = true, labels
			ct.checkName = t.optName(a.get("name"), call, "constraint name")
		}
		return ct, true
	}
	name := t.optName(a.get("name"), call, "enum type name")
	if name == "" {
		t.noteAt(call, call, "a PostgreSQL enum needs a name (name=...): SQLAlchemy fails to create this type")
		name = "?"
	}
	schema := t.optName(a.get("schema"), call, "schema")
	create := t.boolValue(a.get("create_type"), true)
	return colType{sql: qname(schema, name), enums: []enumType{{schema: schema, name: name, labels: labels, create: create}}}, true
}

// isEnumType reports whether e is an enum type construct (for
// my_enum.create(op.get_bind())).
func (t *translator) isEnumType(e *expr) bool {
	e = t.resolve(e)
	if e.kind != exprCall {
		return false
	}
	_, name := t.libName(e.x)
	return name == "Enum" || name == "ENUM"
}

// enumDDL handles my_enum.create(bind, checkfirst=...) and .drop(...).
func (t *translator) enumDDL(method string, typ, call *expr) {
	ct, ok := t.typeOf(typ, 0)
	if !ok || len(ct.enums) == 0 {
		t.noteAt(call, call, "schemagate cannot read this enum type: the type it creates or drops is not checked")
		return
	}
	en := ct.enums[0]
	span := t.file.Span(call.start, call.end)
	if method == "create" {
		t.run(pendingStmt{sql: createEnumSQL(en), span: span})
		return
	}
	t.run(pendingStmt{sql: "DROP TYPE " + qname(en.schema, en.name), span: span})
}

func createEnumSQL(en enumType) string {
	quoted := make([]string, len(en.labels))
	for i, l := range en.labels {
		quoted[i] = lit(l)
	}
	return "CREATE TYPE " + qname(en.schema, en.name) + " AS ENUM (" + strings.Join(quoted, ", ") + ")"
}

// qi quotes an identifier. SQLAlchemy quotes only where needed; quoting
// always names the same object (it keeps case exactly as SQLAlchemy does
// when it quotes mixed-case names).
func qi(s string) string { return ops.Quote(s) }

func qname(schema, name string) string {
	if schema == "" {
		return qi(name)
	}
	return qi(schema) + "." + qi(name)
}

// lit is a SQL string literal.
func lit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
