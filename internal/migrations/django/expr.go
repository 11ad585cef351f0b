package django

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// exprCompiler turns the Q objects and expressions of constraints,
// index conditions and db_default into SQL as Django's compiler writes
// it (columns unqualified, values quoted by the schema editor). What it
// cannot compile makes ok false: the caller keeps a placeholder and
// reports a note.
type exprCompiler struct {
	e *editor
	m *model
}

// lookups are Django's PostgreSQL lookup operators.
var lookups = map[string]string{
	"exact": "= %s", "gt": "> %s", "gte": ">= %s", "lt": "< %s", "lte": "<= %s",
	"contains": "LIKE %s", "icontains": "LIKE UPPER(%s)", "startswith": "LIKE %s", "istartswith": "LIKE UPPER(%s)",
	"endswith": "LIKE %s", "iendswith": "LIKE UPPER(%s)", "iexact": "= UPPER(%s)", "regex": "~ %s", "iregex": "~* %s",
}

func (c exprCompiler) q(v *value) (string, bool) {
	if !v.is(kCall) || v.lastName() != "Q" {
		// A bare lookup expression (Exact(...)) or anything else.
		return c.expr(v)
	}
	type child struct {
		key string
		val *value
		q   *value
	}
	var children []child
	for _, it := range v.items {
		switch {
		case it.is(kTuple) && len(it.items) == 2 && it.items[0].is(kStr):
			children = append(children, child{key: it.items[0].s, val: it.items[1]})
		case it.is(kCall) && it.lastName() == "Q":
			children = append(children, child{q: it})
		default:
			return "", false
		}
	}
	connector := "AND"
	negated := false
	var kw []child
	for _, a := range v.kwargs {
		switch a.name {
		case "_connector":
			s, ok := a.value.str()
			if !ok {
				return "", false
			}
			connector = s
		case "_negated":
			b, ok := a.value.truthy()
			if !ok {
				return "", false
			}
			negated = b
		default:
			kw = append(kw, child{key: a.name, val: a.value})
		}
	}
	// Q(**kwargs) sorts its keyword arguments.
	sort.Slice(kw, func(i, j int) bool { return kw[i].key < kw[j].key })
	children = append(children, kw...)
	var parts []string
	for _, ch := range children {
		var s string
		var ok bool
		if ch.q != nil {
			s, ok = c.q(ch.q)
		} else {
			s, ok = c.lookup(ch.key, ch.val)
		}
		if !ok {
			return "", false
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "", false
	}
	out := strings.Join(parts, " "+connector+" ")
	if len(parts) > 1 {
		out = "(" + out + ")"
	}
	if negated {
		out = "NOT (" + out + ")"
	}
	return out, true
}

// lookup compiles "field__lookup=value".
func (c exprCompiler) lookup(key string, val *value) (string, bool) {
	parts := strings.Split(key, "__")
	name, op := parts[0], "exact"
	if len(parts) == 2 {
		op = parts[1]
	} else if len(parts) > 2 {
		return "", false // joins and transforms
	}
	f := c.m.fieldByAttr(name)
	if f == nil || !f.hasColumn() {
		return "", false
	}
	col := quoteName(f.column())
	switch op {
	case "isnull":
		b, ok := val.truthy()
		if !ok {
			return "", false
		}
		if b {
			return col + " IS NULL", true
		}
		return col + " IS NOT NULL", true
	case "in":
		items, ok := val.seq()
		if !ok || len(items) == 0 {
			return "", false
		}
		var vs []string
		for _, it := range items {
			s, ok := c.operand(it, f)
			if !ok {
				return "", false
			}
			vs = append(vs, s)
		}
		return col + " IN (" + strings.Join(vs, ", ") + ")", true
	case "range":
		items, ok := val.seq()
		if !ok || len(items) != 2 {
			return "", false
		}
		a, ok1 := c.operand(items[0], f)
		b, ok2 := c.operand(items[1], f)
		if !ok1 || !ok2 {
			return "", false
		}
		return col + " BETWEEN " + a + " AND " + b, true
	}
	tmpl, ok := lookups[op]
	if !ok {
		return "", false
	}
	if op == "exact" && val.is(kNone) {
		return col + " IS NULL", true
	}
	// Exact against a boolean on a boolean column is the column itself
	// (Django's Exact.as_sql).
	if op == "exact" && val.is(kBool) && (f.internal == "BooleanField" || f.internal == "NullBooleanField") {
		if val.b {
			return col, true
		}
		return "NOT " + col, true
	}
	rhs, ok := c.operand(val, f)
	if !ok {
		return "", false
	}
	lhs := col
	switch op {
	case "contains", "startswith", "endswith", "icontains", "istartswith", "iendswith", "iexact":
		s, isStr := val.str()
		if !isStr {
			return "", false
		}
		pattern := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
		switch op {
		case "contains", "icontains":
			pattern = "%" + pattern + "%"
		case "startswith", "istartswith":
			pattern += "%"
		case "endswith", "iendswith":
			pattern = "%" + pattern
		case "iexact":
			pattern = s
		}
		rhs = quoteString(pattern)
		if op != "iexact" || !strings.Contains(c.e.dbType(f), "char") {
			lhs = col + "::text"
		}
		if strings.HasPrefix(op, "i") {
			lhs = "UPPER(" + lhs + ")"
		}
	}
	return lhs + " " + fmt.Sprintf(tmpl, rhs), true
}

// operand is a lookup's right-hand side: a value quoted as the schema
// editor quotes it, or an F() column.
func (c exprCompiler) operand(v *value, f *field) (string, bool) {
	if v.is(kCall) && v.lastName() == "F" {
		return c.expr(v)
	}
	if v.is(kCall) && v.lastName() == "Value" {
		return c.operand(v.arg(0, "value"), f)
	}
	// Lookups prepare values with get_prep_value, not for saving: a
	// decimal stays a number.
	if f.internal == "DecimalField" {
		if d, ok := decimalText(v); ok {
			return d, true
		}
	}
	if lit, ok := c.e.literal(v, f); ok && !lit.callable {
		return lit.sql, true
	}
	return "", false
}

// expr compiles index expressions and db_default values: F(), Value(),
// literals and a few database functions.
func (c exprCompiler) expr(v *value) (string, bool) {
	switch {
	case v == nil:
		return "", false
	case v.is(kStr), v.is(kInt), v.is(kFloat), v.is(kBool):
		lit, ok := quoteLiteral(v)
		return lit, ok
	case !v.is(kCall):
		return "", false
	}
	args := func() ([]string, bool) {
		var out []string
		for _, a := range v.items {
			if s, ok := a.str(); ok {
				f := c.m.fieldByAttr(s)
				if f == nil {
					return nil, false
				}
				out = append(out, quoteName(f.column()))
				continue
			}
			s, ok := c.expr(a)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	switch v.lastName() {
	case "F":
		s, ok := v.arg(0, "name").str()
		if !ok {
			return "", false
		}
		f := c.m.fieldByAttr(s)
		if f == nil {
			return "", false
		}
		return quoteName(f.column()), true
	case "Value":
		return quoteLiteral(v.arg(0, "value"))
	case "Now":
		return "STATEMENT_TIMESTAMP()", true
	case "Lower", "Upper", "Abs", "Length", "Coalesce", "Greatest", "Least", "MD5", "Trim":
		as, ok := args()
		if !ok {
			return "", false
		}
		name := strings.ToUpper(v.lastName())
		if name == "LENGTH" {
			name = "LENGTH"
		}
		return name + "(" + strings.Join(as, ", ") + ")", true
	case "RandomUUID":
		return "GEN_RANDOM_UUID()", true
	case "Random":
		return "RANDOM()", true
	case "Pi":
		return "PI()", true
	}
	return "", false
}

// quoteLiteral quotes a Python constant as psycopg2 would: strings
// quoted, None as NULL, numbers and booleans as str() writes them, in
// lower case.
func quoteLiteral(v *value) (string, bool) {
	switch {
	case v.is(kStr):
		return quoteString(v.s), true
	case v.is(kNone):
		return "NULL", true
	}
	s, ok := pyConvert("", v)
	return strings.ToLower(s), ok
}

// pyFloat writes a float as Python's repr does ("1.0", "0.5").
func pyFloat(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	out := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(out, ".eEn") {
		out += ".0"
	}
	return out
}

// literal is a default value as SQL.
type literal struct {
	sql string
	// callable is true when Django computes the value when the
	// migration runs (timezone.now, uuid.uuid4, an app function): sql is
	// then a placeholder of the right type, and text says what it is.
	callable bool
	text     string
}

// literal turns a field's Python default into the SQL Django sends
// (get_db_prep_save, then quote_value).
func (e *editor) literal(v *value, f *field) (literal, bool) {
	internal := f.internal
	if f.isFK() {
		if t := e.target(f); t != nil {
			internal = t.internal
		}
	}
	switch {
	case v == nil:
		return literal{}, false
	case v.is(kCall) && isValueConstructor(v):
		if s, ok := constructorLiteral(v); ok {
			return literal{sql: s}, true
		}
		return e.callableLiteral(v, f), true
	case v.is(kName) || v.is(kCall):
		return e.callableLiteral(v, f), true
	}
	switch internal {
	case "JSONField", "HStoreField":
		if internal == "JSONField" {
			if s, ok := pyJSON(v); ok {
				return literal{sql: quoteString(s)}, true
			}
			return literal{}, false
		}
	case "BooleanField", "NullBooleanField":
		if b, ok := v.truthy(); ok && !v.is(kNone) {
			return literal{sql: map[bool]string{true: "true", false: "false"}[b]}, true
		}
	case "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
		"PositiveBigIntegerField", "PositiveSmallIntegerField", "AutoField", "BigAutoField", "SmallAutoField":
		switch {
		case v.is(kInt):
			return literal{sql: strconv.FormatInt(v.i, 10)}, true
		case v.is(kBool):
			return literal{sql: map[bool]string{true: "1", false: "0"}[v.b]}, true
		case v.is(kStr):
			if i, err := strconv.ParseInt(strings.TrimSpace(v.s), 10, 64); err == nil {
				return literal{sql: strconv.FormatInt(i, 10)}, true
			}
		}
	case "FloatField":
		switch {
		case v.is(kInt):
			return literal{sql: strconv.FormatInt(v.i, 10) + ".0"}, true
		case v.is(kFloat):
			return literal{sql: pyFloat(v.s)}, true
		}
	case "DecimalField":
		// PostgreSQL's backend sends the Decimal itself.
		d, ok := decimalText(v)
		if !ok {
			return literal{}, false
		}
		return literal{sql: d}, true
	case "UUIDField":
		if s, ok := v.str(); ok {
			return literal{sql: quoteString(s) + "::uuid"}, true
		}
	case "DateField":
		if s, ok := v.str(); ok {
			return literal{sql: quoteString(s) + "::date"}, true
		}
	case "DateTimeField":
		if s, ok := v.str(); ok {
			return literal{sql: quoteString(s) + "::timestamptz"}, true
		}
	case "ArrayField":
		if items, ok := v.seq(); ok {
			if len(items) == 0 {
				return literal{sql: "'{}'"}, true
			}
			var parts []string
			for _, it := range items {
				s, ok := quoteLiteral(it)
				if !ok {
					return literal{}, false
				}
				parts = append(parts, s)
			}
			return literal{sql: "ARRAY[" + strings.Join(parts, ",") + "]"}, true
		}
	case "BinaryField":
		if v.is(kBytes) || v.is(kStr) {
			return literal{sql: quoteString(`\x`+fmt.Sprintf("%x", v.s)) + "::bytea"}, true
		}
	}
	if v.is(kStr) {
		return literal{sql: quoteString(v.s)}, true
	}
	s, ok := quoteLiteral(v)
	if !ok || v.is(kNone) {
		return literal{}, false
	}
	return literal{sql: s}, true
}

// constructorLiteral renders the constants Django serialises as
// constructor calls the way psycopg2 adapts them.
func constructorLiteral(v *value) (string, bool) {
	ints := func(n int) ([]int, bool) {
		var out []int
		for i := 0; i < n && i < len(v.items); i++ {
			if !v.items[i].is(kInt) {
				return nil, false
			}
			out = append(out, int(v.items[i].i))
		}
		return out, true
	}
	switch v.lastName() {
	case "Decimal":
		if d, ok := decimalText(v); ok {
			return d, true
		}
	case "UUID":
		if s, ok := v.arg(0, "hex").str(); ok {
			return quoteString(s) + "::uuid", true
		}
	case "date":
		if len(v.items) == 3 {
			if n, ok := ints(3); ok {
				return quoteString(fmt.Sprintf("%04d-%02d-%02d", n[0], n[1], n[2])) + "::date", true
			}
		}
	case "time":
		if n, ok := ints(4); ok && len(v.items) <= 4 && len(v.kwargs) == 0 {
			for len(n) < 4 {
				n = append(n, 0)
			}
			return quoteString(clock(n[0], n[1], n[2], n[3])) + "::time", true
		}
	case "datetime":
		if len(v.items) < 3 || len(v.items) > 7 {
			return "", false
		}
		n, ok := ints(len(v.items))
		if !ok {
			return "", false
		}
		for len(n) < 7 {
			n = append(n, 0)
		}
		s := fmt.Sprintf("%04d-%02d-%02dT%s", n[0], n[1], n[2], clock(n[3], n[4], n[5], n[6]))
		tz := v.kw("tzinfo")
		switch {
		case tz == nil:
			return quoteString(s) + "::timestamp", true
		case tz.is(kName) && (tz.lastName() == "utc"):
			return quoteString(s+"+00:00") + "::timestamptz", true
		}
	case "timedelta":
		days, secs, micros := 0, 0, 0
		for _, a := range v.kwargs {
			if !a.value.is(kInt) {
				return "", false
			}
			n := int(a.value.i)
			switch a.name {
			case "days":
				days += n
			case "seconds":
				secs += n
			case "microseconds":
				micros += n
			case "minutes":
				secs += 60 * n
			case "hours":
				secs += 3600 * n
			case "weeks":
				days += 7 * n
			default:
				return "", false
			}
		}
		if len(v.items) > 0 {
			return "", false
		}
		return quoteString(fmt.Sprintf("%d days %d.%06d seconds", days, secs, micros)) + "::interval", true
	}
	return "", false
}

// clock writes a time as Python's isoformat does.
func clock(h, m, s, us int) string {
	out := fmt.Sprintf("%02d:%02d:%02d", h, m, s)
	if us != 0 {
		out += fmt.Sprintf(".%06d", us)
	}
	return out
}

// isValueConstructor reports whether a call builds a constant Django
// serialises into migrations (Decimal("1.5"), datetime.date(2024, 1, 1)).
func isValueConstructor(v *value) bool {
	switch v.lastName() {
	case "Decimal", "date", "datetime", "time", "timedelta", "UUID":
		return true
	}
	return false
}

// callableLiteral is a default Django evaluates in Python when the
// migration runs: a constant for the database, of the field's type.
func (e *editor) callableLiteral(v *value, f *field) literal {
	text := v.text
	if v.is(kName) {
		text += "()"
	}
	typ := e.dbType(f)
	if strings.HasSuffix(typ, "serial") {
		typ = strings.TrimSuffix(typ, "serial") + "int"
	}
	if typ == "" {
		typ = "text"
	}
	switch {
	case v.is(kCall) && v.lastName() == "Decimal":
		if d, ok := decimalText(v); ok {
			return literal{sql: d}
		}
	}
	switch v.lastName() {
	case "dict":
		if f.internal == "JSONField" {
			return literal{sql: "'{}'"}
		}
	case "list":
		if f.internal == "JSONField" {
			return literal{sql: "'[]'"}
		}
		if f.internal == "ArrayField" {
			return literal{sql: "'{}'"}
		}
	}
	return literal{sql: "CAST(NULL AS " + typ + ")", callable: true, text: text}
}

func decimalText(v *value) (string, bool) {
	switch {
	case v.is(kInt):
		return strconv.FormatInt(v.i, 10), true
	case v.is(kFloat):
		return v.s, true
	case v.is(kStr):
		if _, err := strconv.ParseFloat(v.s, 64); err == nil {
			return v.s, true
		}
	case v.is(kCall) && v.lastName() == "Decimal":
		return decimalText(v.arg(0, "value"))
	}
	return "", false
}

// pyJSON renders a Python literal as json.dumps does.
func pyJSON(v *value) (string, bool) {
	var b strings.Builder
	var write func(v *value) bool
	write = func(v *value) bool {
		switch {
		case v.is(kNone):
			b.WriteString("null")
		case v.is(kBool):
			b.WriteString(map[bool]string{true: "true", false: "false"}[v.b])
		case v.is(kInt):
			b.WriteString(strconv.FormatInt(v.i, 10))
		case v.is(kFloat):
			b.WriteString(pyFloat(v.s))
		case v.is(kStr):
			q, _ := json.Marshal(v.s)
			b.Write(asciiJSON(q))
		case v.is(kList) || v.is(kTuple):
			b.WriteByte('[')
			for i, it := range v.items {
				if i > 0 {
					b.WriteString(", ")
				}
				if !write(it) {
					return false
				}
			}
			b.WriteByte(']')
		case v.is(kDict):
			b.WriteByte('{')
			for i, k := range v.keys {
				if i > 0 {
					b.WriteString(", ")
				}
				ks, ok := k.str()
				if !ok {
					return false
				}
				q, _ := json.Marshal(ks)
				b.Write(asciiJSON(q))
				b.WriteString(": ")
				if !write(v.items[i]) {
					return false
				}
			}
			b.WriteByte('}')
		default:
			return false
		}
		return true
	}
	if !write(v) {
		return "", false
	}
	return b.String(), true
}

// asciiJSON escapes non-ASCII as json.dumps(ensure_ascii=True) does and
// undoes Go's HTML escaping.
func asciiJSON(q []byte) []byte {
	s := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(q))
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return []byte(b.String())
}
