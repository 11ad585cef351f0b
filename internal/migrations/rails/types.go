package rails

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// nativeTypes are the PostgreSQL adapter's NATIVE_DATABASE_TYPES: the
// SQL a Rails type becomes. Types not listed pass through as written
// (bigint, smallint, "varchar(20)", an enum's name).
var nativeTypes = map[string]string{
	"string": "character varying", "text": "text", "integer": "integer", "float": "float",
	"decimal": "decimal", "datetime": "timestamp", "time": "time", "date": "date",
	"daterange": "daterange", "numrange": "numrange", "tsrange": "tsrange", "tstzrange": "tstzrange",
	"int4range": "int4range", "int8range": "int8range", "binary": "bytea", "boolean": "boolean",
	"xml": "xml", "tsvector": "tsvector", "hstore": "hstore", "inet": "inet", "cidr": "cidr",
	"macaddr": "macaddr", "uuid": "uuid", "json": "json", "jsonb": "jsonb", "ltree": "ltree",
	"citext": "citext", "point": "point", "line": "line", "lseg": "lseg", "box": "box",
	"path": "path", "polygon": "polygon", "circle": "circle", "bit": "bit",
	"bit_varying": "bit varying", "money": "money", "interval": "interval", "oid": "oid",
	"timestamptz": "timestamptz",
}

// typeOptions are the options type_to_sql reads.
type typeOptions struct {
	limit, precision, scale          int
	hasLimit, hasPrecision, hasScale bool
	array                            bool
}

// typeToSQL is the PostgreSQL adapter's type_to_sql.
func typeToSQL(typ string, o typeOptions) string {
	var sql string
	switch typ {
	case "binary":
		sql = "bytea"
	case "text":
		sql = "text"
	case "integer":
		switch {
		case !o.hasLimit || o.limit == 3 || o.limit == 4:
			sql = "integer"
		case o.limit == 1 || o.limit == 2:
			sql = "smallint"
		default:
			sql = "bigint"
		}
	default:
		native, ok := nativeTypes[typ]
		if !ok {
			sql = typ
			break
		}
		sql = native
		switch {
		case typ == "decimal":
			if o.hasPrecision {
				if o.hasScale {
					sql += "(" + strconv.Itoa(o.precision) + "," + strconv.Itoa(o.scale) + ")"
				} else {
					sql += "(" + strconv.Itoa(o.precision) + ")"
				}
			}
		case typ == "datetime" || typ == "time" || typ == "interval" || typ == "timestamptz":
			if o.hasPrecision {
				sql += "(" + strconv.Itoa(o.precision) + ")"
			}
		case o.hasLimit:
			sql += "(" + strconv.Itoa(o.limit) + ")"
		}
	}
	if o.array {
		sql += "[]"
	}
	return sql
}

// pgCache memoises what PostgreSQL's parser says about SQL fragments
// Rails passes through (types, default expressions, CHECK expressions):
// a handful of distinct strings recur across thousands of migrations.
var pgCache = struct {
	sync.Mutex
	types map[string]ops.Type
	exprs map[string]string // SQL expression -> the parser's complaint, "" when it parses
}{types: map[string]ops.Type{}, exprs: map[string]string{}}

// sqlType turns an SQL type as Rails writes it into the canonical type,
// which decides how a default is written.
func sqlType(sql string) ops.Type {
	pgCache.Lock()
	t, ok := pgCache.types[sql]
	pgCache.Unlock()
	if ok {
		return cloneType(t)
	}
	res := sqlparse.Parse(source.NewFile("", []byte("CREATE TABLE t (c "+sql+")")))
	if len(res.Errors) == 0 && len(res.Statements) == 1 {
		list := ops.FromStatements(res.Statements, ops.Options{})
		if len(list) > 0 && len(list[0].Columns) == 1 {
			t = list[0].Columns[0].Type
		}
	}
	if t.Name == "" {
		t = ops.Type{Name: strings.ToLower(sql)}
	}
	pgCache.Lock()
	pgCache.types[sql] = t
	pgCache.Unlock()
	return cloneType(t)
}

func cloneType(t ops.Type) ops.Type {
	t.Mods = append([]int(nil), t.Mods...)
	if len(t.Mods) == 0 {
		t.Mods = nil
	}
	return t
}

// exprError checks raw SQL given for an expression (a lambda default, a
// CHECK, using:) in the place wrap gives it ("SELECT %s"): PostgreSQL's
// complaint, "" when it parses. A call whose SQL would not parse is
// reported at the call; the rest of its statement is still sent.
func exprError(wrap, sql string) string {
	key := wrap + "\x00" + sql
	pgCache.Lock()
	msg, ok := pgCache.exprs[key]
	pgCache.Unlock()
	if ok {
		return msg
	}
	res := sqlparse.Parse(source.NewFile("", []byte(strings.Replace(wrap, "%s", sql, 1))))
	switch {
	case len(res.Errors) > 0:
		msg = res.Errors[0].Message
	case len(res.Statements) != 1:
		msg = "not a single SQL expression"
	}
	pgCache.Lock()
	pgCache.exprs[key] = msg
	pgCache.Unlock()
	return msg
}

// Where exprError puts each kind of expression.
const (
	asDefault = "ALTER TABLE t ALTER COLUMN c SET DEFAULT %s"
	asCheck   = "ALTER TABLE t ADD CONSTRAINT c CHECK (%s)"
	asUsing   = "ALTER TABLE t ALTER COLUMN c TYPE int USING %s"
)

// typeCategory is how ActiveRecord serialises a default for a column of
// type t (its cast type).
func typeCategory(t ops.Type) string {
	if t.Array {
		return "array"
	}
	switch t.Name {
	case "integer", "smallint", "bigint", "serial", "bigserial", "smallserial", "oid":
		return "integer"
	case "double precision", "real":
		return "float"
	case "numeric", "money":
		return "decimal"
	case "boolean":
		return "boolean"
	case "json", "jsonb":
		return "json"
	case "uuid":
		return "uuid"
	}
	return "string"
}

// defaultValue is a DEFAULT as the adapter writes it.
type defaultValue struct {
	sql string
	// ruby is the Ruby text of a value computed when the migration runs:
	// the database gets its result, a constant, which stands in the SQL
	// as a typed NULL.
	ruby string
}

// defaultSQL is the DEFAULT Rails writes for value v on a column of type
// t, written typeSQL (quote_default_expression: the value cast by the
// column's type, then quoted). err is PostgreSQL's complaint about raw
// SQL given for it.
func defaultSQL(v value, t ops.Type, typeSQL string, src []byte) (d defaultValue, err string) {
	if typeSQL == "" {
		typeSQL = t.String()
	}
	computed := func(ruby string) defaultValue {
		return defaultValue{sql: "CAST(NULL AS " + typeSQL + ")", ruby: ruby}
	}
	cat := typeCategory(t)
	switch v.k {
	case kProc:
		return defaultValue{sql: v.s}, exprError(asDefault, v.s)
	case kNil:
		return defaultValue{sql: "NULL"}, ""
	case kUnknown:
		txt := "?"
		if v.n != nil {
			txt = text(v.n, src)
		}
		return computed(txt), ""
	}
	if cat == "uuid" && v.k == kString && strings.Contains(v.s, "()") {
		return defaultValue{sql: v.s}, exprError(asDefault, v.s)
	}
	lit := func(s string) (defaultValue, string) { return defaultValue{sql: s}, "" }
	switch cat {
	case "boolean":
		if b, ok := castBool(v); ok {
			return lit(strings.ToUpper(strconv.FormatBool(b)))
		}
	case "integer":
		switch v.k {
		case kInt:
			return lit(strconv.FormatInt(v.i, 10))
		case kFloat:
			return lit(strconv.FormatInt(int64(v.f), 10))
		case kString:
			if i, err := strconv.ParseInt(strings.TrimSpace(v.s), 10, 64); err == nil {
				return lit(strconv.FormatInt(i, 10))
			}
		case kBool:
			if v.b {
				return lit("1")
			}
			return lit("0")
		}
	case "float", "decimal":
		switch v.k {
		case kInt:
			return lit(strconv.FormatInt(v.i, 10) + ".0")
		case kFloat:
			return lit(rubyFloat(v.f))
		case kString:
			if f, err := strconv.ParseFloat(strings.TrimSpace(v.s), 64); err == nil {
				return lit(rubyFloat(f))
			}
		}
	case "json":
		if v.k == kHash || v.k == kArray {
			if s, ok := toJSON(v); ok {
				return lit(quoteString(s))
			}
		}
	case "array":
		if v.k == kArray {
			if s, ok := pgArray(v); ok {
				return lit(quoteString(s))
			}
		}
	}
	switch v.k {
	case kString, kSymbol:
		return lit(quoteString(v.s))
	case kInt:
		return lit(quoteString(strconv.FormatInt(v.i, 10)))
	case kFloat:
		return lit(quoteString(rubyFloat(v.f)))
	case kBool:
		// ActiveModel's string type stores booleans as "t" and "f".
		if v.b {
			return lit("'t'")
		}
		return lit("'f'")
	case kHash, kArray:
		if s, ok := toJSON(v); ok {
			return lit(quoteString(s))
		}
	}
	return computed(v.rubyText()), ""
}

// castBool is ActiveModel::Type::Boolean#cast.
func castBool(v value) (bool, bool) {
	switch v.k {
	case kBool:
		return v.b, true
	case kInt:
		return v.i != 0, true
	case kString, kSymbol:
		switch strings.ToLower(v.s) {
		case "":
			return false, false
		case "0", "f", "false", "off":
			return false, true
		}
		return true, true
	}
	return false, false
}

// rubyFloat renders a float as Ruby's Float#to_s does for the usual
// range.
func rubyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// toJSON is Ruby's #to_json for literal hashes and arrays.
func toJSON(v value) (string, bool) {
	x, ok := jsonValue(v)
	if !ok {
		return "", false
	}
	b, err := json.Marshal(x)
	if err != nil {
		return "", false
	}
	return string(b), true
}

type orderedObject struct {
	keys []string
	vals []any
}

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

func jsonValue(v value) (any, bool) {
	switch v.k {
	case kNil:
		return nil, true
	case kBool:
		return v.b, true
	case kInt:
		return v.i, true
	case kFloat:
		return json.RawMessage(rubyFloat(v.f)), true
	case kString, kSymbol:
		return v.s, true
	case kArray:
		out := make([]any, 0, len(v.list))
		for _, e := range v.list {
			x, ok := jsonValue(e)
			if !ok {
				return nil, false
			}
			out = append(out, x)
		}
		return out, true
	case kHash:
		var o orderedObject
		for i, k := range v.list {
			ks, ok := k.str()
			if !ok {
				return nil, false
			}
			x, ok := jsonValue(v.vals[i])
			if !ok {
				return nil, false
			}
			o.keys = append(o.keys, ks)
			o.vals = append(o.vals, x)
		}
		return o, true
	}
	return nil, false
}

// pgArray is PG::TextEncoder::Array's text for a literal array.
func pgArray(v value) (string, bool) {
	var b strings.Builder
	b.WriteByte('{')
	for i, e := range v.list {
		if i > 0 {
			b.WriteByte(',')
		}
		switch e.k {
		case kNil:
			b.WriteString("NULL")
		case kArray:
			s, ok := pgArray(e)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		default:
			s, ok := e.str()
			if e.k == kBool {
				s, ok = strconv.FormatBool(e.b), true
			}
			if !ok {
				return "", false
			}
			if s == "" || strings.EqualFold(s, "null") || strings.ContainsAny(s, "{},\"\\ \t\n") {
				s = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
			}
			b.WriteString(s)
		}
	}
	b.WriteByte('}')
	return b.String(), true
}
