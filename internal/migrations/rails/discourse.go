package rails

import (
	"strconv"
	"strings"
)

// Discourse's migrations drop columns and tables through its own
// helpers (lib/migration/column_dropper.rb and table_dropper.rb) and run
// SQL on its mini_sql connection, DB. They are read as the SQL those
// helpers send: execute_drop is remove_column or drop_table with IF
// EXISTS (and the read-only trigger functions dropped with them), and
// DB.exec is execute with mini_sql's parameters filled in.

// miniSQLMethods are DB's methods that run SQL.
var miniSQLMethods = map[string]bool{
	"exec": true, "query": true, "query_single": true, "query_hash": true, "query_array": true, "query_each": true,
}

// discourseCall translates a call on DB or a Discourse dropper; false
// when the call is none of them.
func (t *tr) discourseCall(n, recv *node, name string, argsN, block *node, e *env) bool {
	r := strings.TrimPrefix(t.text(recv), "::")
	switch {
	case r == "DB" && miniSQLMethods[name]:
	case (r == "Migration::ColumnDropper" || r == "Migration::TableDropper") && name == "execute_drop":
	default:
		return false
	}
	c := &rcall{n: n, name: name, block: block, e: e, sp: t.headSpan(n, block)}
	c.pos, c.o, c.argN = t.args(argsN, e)
	t.recognised++
	if r == "DB" {
		if m := t.sqlArg(c); m != nil {
			t.runSQL(miniSQLParams(m, c.pos[1:], c.o))
		}
		return true
	}
	table, ok := t.need(c, 0, "the table name")
	if !ok {
		return true
	}
	if r == "Migration::TableDropper" {
		t.sendSQL("DROP TABLE IF EXISTS "+table, c.sp)
		t.sendSQL("DROP FUNCTION IF EXISTS discourse_functions.raise_"+table+"_readonly() CASCADE", c.sp)
		return true
	}
	if len(c.pos) < 2 {
		t.hint(n, "`execute_drop` without columns: nothing is dropped")
		return true
	}
	cols, ok := c.pos[1].names()
	if !ok {
		t.hint(n, "the columns of `execute_drop` are not literals: not checked")
		return true
	}
	for i, col := range cols {
		sp := c.sp
		if c.pos[1].k == kArray {
			if el := c.pos[1].list[i].n; el != nil && el.StartByte() >= n.StartByte() && el.EndByte() <= n.EndByte() {
				sp = t.span(el)
			}
		}
		t.sendSQL("DROP FUNCTION IF EXISTS discourse_functions.raise_"+table+"_"+col+"_readonly() CASCADE", c.sp)
		t.sendSQL("DROP FUNCTION IF EXISTS raise_"+table+"_"+col+"_readonly() CASCADE", c.sp)
		t.sendSQL("ALTER TABLE "+table+" DROP COLUMN IF EXISTS "+col, sp)
	}
	return true
}

// miniSQLParams fills in mini_sql's parameters: :name from the options,
// ? from the positional arguments, each value encoded as mini_sql does
// (strings quoted, arrays joined with commas); a value that is not a
// literal becomes a $n placeholder. Text inside quotes and comments, and
// :: casts, are left alone.
func miniSQLParams(m *mtext, pos []value, o opts) *mtext {
	if len(pos) == 0 && len(o.h.list) == 0 {
		return m
	}
	out := &mtext{}
	keep := func(i, j int) {
		out.text = append(out.text, m.text[i:j]...)
		out.offs = append(out.offs, m.offs[i:j]...)
		out.lit = append(out.lit, m.lit[i:j]...)
	}
	n, next := 0, 1
	put := func(v value, at int) {
		text, ok := encodeMiniSQL(v)
		if !ok {
			text = "$" + strconv.Itoa(next)
			next++
		}
		out.add([]byte(text), m.offs[at], false)
	}
	s := m.text
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(s) && s[j] != c {
				j++
			}
			keep(i, min(j+1, len(s)))
			i = j + 1
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			j := i
			for j < len(s) && s[j] != '\n' {
				j++
			}
			keep(i, j)
			i = j
		case c == ':' && i+1 < len(s) && s[i+1] == ':':
			keep(i, i+2)
			i += 2
		case c == ':' && i+1 < len(s) && isIdentStart(s[i+1]):
			j := i + 1
			for j < len(s) && isIdentPart(s[j]) {
				j++
			}
			if v, ok := o.get(string(s[i+1 : j])); ok {
				put(v, i)
			} else {
				keep(i, j)
			}
			i = j
		case c == '?' && n < len(pos):
			put(pos[n], i)
			n++
			i++
		default:
			keep(i, i+1)
			i++
		}
	}
	return out
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIdentPart(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// encodeMiniSQL writes a literal value as mini_sql's encoder does.
func encodeMiniSQL(v value) (string, bool) {
	switch v.k {
	case kNil:
		return "NULL", true
	case kBool:
		return strconv.FormatBool(v.b), true
	case kInt, kFloat:
		return v.s, true
	case kString, kSymbol:
		return quoteString(v.s), true
	case kArray:
		parts := make([]string, len(v.list))
		for i, el := range v.list {
			s, ok := encodeMiniSQL(el)
			if !ok {
				return "", false
			}
			parts[i] = s
		}
		return strings.Join(parts, ","), true
	}
	return "", false
}
