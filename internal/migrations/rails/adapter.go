package rails

import (
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// The SQL the PostgreSQL adapter writes: quoting, column definitions,
// foreign key actions, comments.

// quoteIdent is quote_column_name: always quoted.
func quoteIdent(s string) string { return ops.Quote(s) }

// quoteTable is quote_table_name: "schema"."table".
func quoteTable(s string) string { return quoteName(tname(s)) }

// quoteName quotes a possibly schema-qualified name.
func quoteName(n ops.Name) string {
	if n.Schema != "" {
		return quoteIdent(n.Schema) + "." + quoteIdent(n.Name)
	}
	return quoteIdent(n.Name)
}

// quoteString is a SQL string literal (standard_conforming_strings).
func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func quoteIdents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteIdent(n)
	}
	return strings.Join(q, ", ")
}

// tname is a table name as quote_table_name reads it: "schema.table".
func tname(s string) ops.Name {
	if i := strings.IndexByte(s, '.'); i > 0 {
		return ops.Name{Schema: s[:i], Name: s[i+1:]}
	}
	return ops.Name{Name: s}
}

// columnSQL is a column definition as the adapter writes it: the type,
// COLLATE, GENERATED, DEFAULT, NOT NULL, PRIMARY KEY.
// It is written into b, sized for it once: a migration of thousands of
// add_column writes one for each.
func columnSQL(b *strings.Builder, d colDef) {
	b.Grow(columnSize(d))
	writeQuoted(b, d.name)
	b.WriteByte(' ')
	b.WriteString(d.typeSQL)
	if d.typeSQL == "bigserial primary key" {
		return
	}
	if d.collation != "" {
		b.WriteString(" COLLATE ")
		writeQuoted(b, d.collation)
	}
	if d.generated != "" {
		b.WriteString(" GENERATED ALWAYS AS (" + d.generated + ") STORED")
	}
	if d.def != nil {
		b.WriteString(" DEFAULT ")
		b.WriteString(d.def.sql)
	}
	if d.notNull {
		b.WriteString(" NOT NULL")
	}
	if d.pk {
		b.WriteString(" PRIMARY KEY")
	}
}

// columnSize is about the length of columnSQL(d), at least.
func columnSize(d colDef) int {
	size := len(d.name) + len(d.typeSQL) + len(d.collation) + len(d.generated) + 48
	if d.def != nil {
		size += len(d.def.sql)
	}
	return size
}

// writeQuoted writes quoteIdent(s) to b.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `""`)) // s itself when it has no quote
	b.WriteByte('"')
}

// foreignKeyActions are ON DELETE, ON UPDATE and DEFERRABLE of a foreign
// key's options.
func foreignKeyActions(o opts) string {
	action := func(v string) string {
		switch v {
		case "nullify":
			return "SET NULL"
		case "cascade":
			return "CASCADE"
		case "restrict":
			return "RESTRICT"
		}
		return ""
	}
	s := ""
	if v, ok := o.str("on_delete"); ok && action(v) != "" {
		s += " ON DELETE " + action(v)
	}
	if v, ok := o.str("on_update"); ok && action(v) != "" {
		s += " ON UPDATE " + action(v)
	}
	if v, ok := o.get("deferrable"); ok && v.known() && v.truthy() {
		switch d, _ := v.str(); d {
		case "immediate":
			s += " DEFERRABLE INITIALLY IMMEDIATE"
		case "deferred":
			s += " DEFERRABLE INITIALLY DEFERRED"
		default:
			s += " DEFERRABLE"
		}
	}
	return s
}

// commentSQL is COMMENT ON <what> IS '<text>' (NULL for nil).
func commentSQL(what string, v value) string {
	if v.k == kHash {
		if to, ok := v.get("to"); ok {
			v = to
		}
	}
	text := "NULL"
	if s, ok := v.str(); ok && v.k != kNil {
		text = quoteString(s)
	}
	return "COMMENT ON " + what + " IS " + text
}

// createTableHead is CREATE [TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS]
// "name".
func createTableHead(td *tableDef, o opts) string {
	s := "CREATE "
	switch {
	case o.bool("temporary", false):
		s += "TEMPORARY "
	case o.bool("unlogged", false):
		s += "UNLOGGED "
	}
	s += "TABLE "
	if td.ifNotExists {
		s += "IF NOT EXISTS "
	}
	return s + quoteTable(td.name)
}

// createIndexSQL is add_index's CREATE INDEX: columns with their
// opclass: and order:, or an expression; USING, INCLUDE, NULLS NOT
// DISTINCT, WHERE.
func createIndexSQL(table, name string, cols []string, expr string, o opts) string {
	s := "CREATE "
	if o.bool("unique", false) {
		s += "UNIQUE "
	}
	s += "INDEX "
	if isConcurrently(o) {
		s += "CONCURRENTLY "
	}
	if o.bool("if_not_exists", false) {
		s += "IF NOT EXISTS "
	}
	s += quoteIdent(name) + " ON " + quoteTable(table)
	if u, ok := o.str("using"); ok {
		s += " USING " + u
	}
	list := expr
	if expr == "" {
		per := func(key, col string) string {
			v, ok := o.get(key)
			if !ok {
				return ""
			}
			if v.k == kHash {
				v, ok = v.get(col)
				if !ok {
					return ""
				}
			}
			str, _ := v.str()
			return str
		}
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = quoteIdent(c)
			if isExpression(c) {
				parts[i] = c
			}
			if oc := per("opclass", c); oc != "" {
				parts[i] += " " + oc
			}
			if ord := per("order", c); ord != "" {
				parts[i] += " " + strings.ToUpper(ord)
			}
		}
		list = strings.Join(parts, ", ")
	}
	s += " (" + list + ")"
	if inc, ok := o.get("include"); ok {
		if names, ok := inc.names(); ok && len(names) > 0 {
			s += " INCLUDE (" + quoteIdents(names) + ")"
		}
	}
	if o.bool("nulls_not_distinct", false) {
		s += " NULLS NOT DISTINCT"
	}
	if w, ok := o.str("where"); ok {
		s += " WHERE " + w
	}
	return s
}

func isConcurrently(o opts) bool {
	s, ok := o.str("algorithm")
	return ok && s == "concurrently"
}
