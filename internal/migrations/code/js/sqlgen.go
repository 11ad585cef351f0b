package js

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/ops"
)

// quote quotes an identifier always, as the libraries do for PostgreSQL.
func quote(name string) string { return ops.Quote(name) }

// table quotes a table name, "schema.table" as two parts when split is
// set (TypeORM and Knex read a dot as a schema).
func table(schema, name string, split bool) string {
	if schema == "" && split {
		if s, n, ok := strings.Cut(name, "."); ok {
			schema, name = s, n
		}
	}
	if schema != "" {
		return quote(schema) + "." + quote(name)
	}
	return quote(name)
}

// literal is a SQL string literal.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// column is a column definition the libraries write.
type column struct {
	name       string
	typ        string
	notNull    bool
	primary    bool
	unique     bool
	def        string // a SQL expression; "" for none
	references string // REFERENCES ... clause
	check      string
}

func (c column) sql() string {
	var b strings.Builder
	b.WriteString(quote(c.name))
	b.WriteString(" ")
	b.WriteString(c.typ)
	if c.primary {
		b.WriteString(" PRIMARY KEY")
	}
	if c.notNull && !c.primary {
		b.WriteString(" NOT NULL")
	}
	if c.def != "" {
		b.WriteString(" DEFAULT " + c.def)
	}
	if c.unique {
		b.WriteString(" UNIQUE")
	}
	if c.references != "" {
		b.WriteString(" " + c.references)
	}
	if c.check != "" {
		b.WriteString(" CHECK (" + c.check + ")")
	}
	return b.String()
}

// constValue is the SQL of a JavaScript constant (a default value):
// strings quoted, numbers and booleans as written, null as NULL.
func (w *walker) constValue(n *sitter.Node) (string, bool) {
	u := unwrap(n)
	if u == nil {
		return "", false
	}
	switch u.Type() {
	case "true", "false":
		return u.Type(), true
	case "null":
		return "NULL", true
	}
	if s, ok := w.f.number(u); ok {
		return s, true
	}
	if s, ok := w.plain(u); ok {
		return literal(s), true
	}
	return "", false
}

// names reads a string or an array of strings (column lists).
func (w *walker) names(n *sitter.Node) ([]string, bool) {
	u := unwrap(n)
	if u == nil {
		return nil, false
	}
	if u.Type() == "array" {
		var out []string
		for _, el := range named(u) {
			s, ok := w.plain(el)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	}
	s, ok := w.plain(u)
	if !ok {
		return nil, false
	}
	return []string{s}, true
}

// createIndex is CREATE INDEX as node-pg-migrate, TypeORM and Sequelize
// write it. method and where are nil when the migration gives none.
type createIndex struct {
	name, table                       string // the table quoted already
	columns                           []string
	unique, concurrently, ifNotExists bool
	method, where                     *string
}

func (ix createIndex) sql() string {
	sql := "CREATE "
	if ix.unique {
		sql += "UNIQUE "
	}
	sql += "INDEX "
	if ix.concurrently {
		sql += "CONCURRENTLY "
	}
	if ix.ifNotExists {
		sql += "IF NOT EXISTS "
	}
	sql += quote(ix.name) + " ON " + ix.table
	if ix.method != nil {
		sql += " USING " + *ix.method
	}
	sql += " (" + quoteAll(ix.columns) + ")"
	if ix.where != nil {
		sql += " WHERE " + *ix.where
	}
	return sql
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
