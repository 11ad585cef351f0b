package rails

import (
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// The SQL ActiveRecord sends for a migration (Translation.SQL): each
// call's statements as the PostgreSQL adapter writes them, in order, SQL
// given to execute as written.

// piece is the SQL of one operation: a whole statement, or, when alter
// is set, a fragment of ALTER TABLE <alter> that later fragments of the
// same statement join (change_table bulk: true, add_timestamps). An
// empty text sends nothing (an operation written by another one's SQL).
type piece struct {
	alter string
	text  string
}

// sentStmt is one statement ActiveRecord sends.
type sentStmt struct {
	stmt  int // the Stmt of its operations; -1 for SQL the parser rejects
	alter string
	parts []string
	span  source.Span
	// group numbers the statements of one execute() text: PostgreSQL
	// runs several sent at once outside a transaction block as one.
	group int
	ctl   bool // transaction control (BEGIN, COMMIT, ...)
}

func (s sentStmt) text() string {
	if s.alter != "" {
		return "ALTER TABLE " + s.alter + " " + strings.Join(s.parts, ", ")
	}
	return strings.Join(s.parts, "")
}

// send records the SQL of an operation of statement stmt made by the
// call at sp: a fragment joins the ALTER TABLE of the same statement.
func (t *tr) send(p piece, sp source.Span, stmt int) {
	if p.text == "" || t.schemaFile {
		return
	}
	if n := len(t.sent); n > 0 && p.alter != "" {
		last := &t.sent[n-1]
		if last.stmt == stmt && last.alter == p.alter {
			last.parts = append(last.parts, p.text)
			last.span = union(t.f, last.span, sp)
			return
		}
	}
	t.groups++
	t.sent = append(t.sent, sentStmt{stmt: stmt, alter: p.alter, parts: []string{p.text}, span: sp, group: t.groups})
}

// union is the span from the first of a and b to the end of the last.
func union(f *source.File, a, b source.Span) source.Span {
	if f == nil {
		return a
	}
	return f.Span(min(a.Start.Offset, b.Start.Offset), max(a.End.Offset, b.End.Offset))
}

// sendParsed records SQL text the migration gives (execute): its
// statements, and those the parser rejects (the server rejects them when
// the migration runs), in order, as one execute() sends them. The first
// statement has index base.
func (t *tr) sendParsed(res sqlparse.Result, parsed *source.File, base int, mapSpan func(source.Span) source.Span) {
	if t.schemaFile {
		return
	}
	t.groups++
	for _, p := range migration.Pieces(res, parsed, mapSpan) {
		stmt := -1
		if p.Index >= 0 {
			stmt = base + p.Index
		}
		t.sent = append(t.sent, sentStmt{stmt: stmt, parts: []string{p.Text}, span: p.Span, group: t.groups, ctl: p.Control})
	}
}

// sentSQL is Translation.SQL: each statement in the transaction its
// operations are in (the migration's, or one the migration opens with
// transaction do), or in the implicit one PostgreSQL gives several
// statements of one execute() outside a transaction block.
func (t *tr) sentSQL(transactional bool) []migration.SQLStatement {
	sent := make([]migration.Sent, len(t.sent))
	for i, s := range t.sent {
		sent[i] = migration.Sent{Stmt: s.stmt, Group: s.group, Control: s.ctl, InTransaction: transactional}
	}
	inTx := migration.InTransaction(t.ops, sent)
	out := make([]migration.SQLStatement, 0, len(t.sent))
	for i, s := range t.sent {
		out = append(out, migration.SQLStatement{Text: s.text(), Span: s.span, InTransaction: inTx[i]})
	}
	return out
}

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

// opSQL is the SQL the adapter writes for an operation, from the
// operation alone; calls whose SQL says more than their operation
// (options the operation does not record) pass their own piece to emit.
func opSQL(op ops.Op) piece {
	table := quoteName(op.Table)
	alter := func(text string) piece { return piece{alter: table, text: text} }
	switch op.Kind {
	case ops.DropTable:
		s := "DROP TABLE "
		if op.IfExists {
			s += "IF EXISTS "
		}
		s += table
		if op.Cascade {
			s += " CASCADE"
		}
		return piece{text: s}
	case ops.RenameTable:
		return piece{text: "ALTER TABLE " + table + " RENAME TO " + quoteIdent(op.NewName)}
	case ops.RenameIndex:
		return piece{text: "ALTER INDEX " + quoteName(op.Object) + " RENAME TO " + quoteIdent(op.NewName)}
	case ops.AddColumn:
		if op.ColumnDef == nil {
			return piece{}
		}
		return alter("ADD " + columnSQL(colDef{col: *op.ColumnDef}))
	case ops.AddConstraint:
		if op.Constraint == nil || op.Detail == "inline" {
			return piece{}
		}
		return alter("ADD " + constraintSQL(*op.Constraint, nil))
	case ops.DropColumn:
		return alter("DROP COLUMN " + quoteIdent(op.Column))
	case ops.RenameColumn:
		return piece{text: "ALTER TABLE " + table + " RENAME COLUMN " + quoteIdent(op.Column) + " TO " + quoteIdent(op.NewName)}
	case ops.AlterColumnType:
		if op.Type == nil {
			return piece{}
		}
		s := "ALTER COLUMN " + quoteIdent(op.Column) + " TYPE " + op.Type.String()
		if op.Using != "" {
			s += " USING " + op.Using
		}
		return alter(s)
	case ops.SetDefault:
		if op.Default == nil {
			return piece{}
		}
		return alter("ALTER COLUMN " + quoteIdent(op.Column) + " SET DEFAULT " + op.Default.SQL())
	case ops.DropDefault:
		return alter("ALTER COLUMN " + quoteIdent(op.Column) + " DROP DEFAULT")
	case ops.SetNotNull:
		return alter("ALTER COLUMN " + quoteIdent(op.Column) + " SET NOT NULL")
	case ops.DropNotNull:
		return alter("ALTER COLUMN " + quoteIdent(op.Column) + " DROP NOT NULL")
	case ops.DropConstraint:
		return alter("DROP CONSTRAINT " + quoteIdent(op.Object.Name))
	case ops.ValidateConstr:
		return piece{text: "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + quoteIdent(op.Object.Name)}
	case ops.DropIndex:
		s := "DROP INDEX "
		if op.Concurrently {
			s += "CONCURRENTLY "
		}
		if op.IfExists {
			s += "IF EXISTS "
		}
		return piece{text: s + quoteName(op.Object)}
	case ops.CreateExtension:
		return piece{text: "CREATE EXTENSION IF NOT EXISTS " + quoteIdent(op.Object.Name)}
	case ops.DropExtension:
		s := "DROP EXTENSION IF EXISTS " + quoteIdent(op.Object.Name)
		if op.Cascade {
			s += " CASCADE"
		}
		return piece{text: s}
	case ops.CreateEnum:
		vals := make([]string, len(op.Values))
		for i, v := range op.Values {
			vals[i] = quoteString(v)
		}
		return piece{text: "CREATE TYPE " + quoteName(op.Object) + " AS ENUM (" + strings.Join(vals, ", ") + ")"}
	case ops.DropType:
		s := "DROP TYPE "
		if op.IfExists {
			s += "IF EXISTS "
		}
		return piece{text: s + quoteName(op.Object)}
	case ops.RenameType:
		return piece{text: "ALTER TYPE " + quoteName(op.Object) + " RENAME TO " + quoteIdent(op.NewName)}
	case ops.AddEnumValue:
		s := "ALTER TYPE " + quoteName(op.Object) + " ADD VALUE "
		if op.IfNotExists {
			s += "IF NOT EXISTS "
		}
		return piece{text: s + quoteString(op.NewName)}
	case ops.RenameEnumValue:
		return piece{text: "ALTER TYPE " + quoteName(op.Object) + " RENAME VALUE " + quoteString(op.Value) + " TO " + quoteString(op.NewName)}
	case ops.CreateSchema:
		s := "CREATE SCHEMA "
		if op.IfNotExists {
			s += "IF NOT EXISTS "
		}
		return piece{text: s + quoteIdent(op.Object.Name)}
	case ops.DropSchema:
		s := "DROP SCHEMA "
		if op.IfExists {
			s += "IF EXISTS "
		}
		return piece{text: s + quoteIdent(op.Object.Name) + " CASCADE"}
	case ops.Begin:
		return piece{text: "BEGIN"}
	case ops.Commit:
		return piece{text: "COMMIT"}
	}
	return piece{}
}

// columnSQL is a column definition as the adapter writes it: the type,
// COLLATE, GENERATED, DEFAULT, NOT NULL, PRIMARY KEY.
func columnSQL(d colDef) string {
	c := d.col
	typ := d.typeSQL
	if typ == "" {
		typ = c.Type.String()
	}
	s := quoteIdent(c.Name) + " " + typ
	if typ == "bigserial primary key" {
		return s
	}
	if d.collation != "" {
		s += " COLLATE " + quoteIdent(d.collation)
	}
	if d.generated != "" {
		s += " GENERATED ALWAYS AS (" + d.generated + ") STORED"
	}
	switch {
	case d.defaultSQL != "":
		s += " DEFAULT " + d.defaultSQL
	case c.Default != nil:
		s += " DEFAULT " + c.Default.SQL()
	}
	if c.NotNull {
		s += " NOT NULL"
	}
	if c.PrimaryKey {
		s += " PRIMARY KEY"
	}
	return s
}

// constraintSQL is a table constraint; o are add_foreign_key's options
// (on_delete:, on_update:, deferrable:), when known.
func constraintSQL(k ops.Constraint, o *opts) string {
	s := ""
	if k.Name != "" {
		s = "CONSTRAINT " + quoteIdent(k.Name) + " "
	}
	switch k.Type {
	case ops.ForeignKey:
		ref := ""
		if k.RefTable != nil {
			ref = quoteName(*k.RefTable)
		}
		s += "FOREIGN KEY (" + quoteIdents(k.Columns) + ") REFERENCES " + ref + " (" + quoteIdents(k.RefColumns) + ")"
		if o != nil {
			s += foreignKeyActions(*o)
		}
	case ops.Check:
		s += "CHECK (" + k.Expr + ")"
	case ops.PrimaryKey:
		s += "PRIMARY KEY (" + quoteIdents(k.Columns) + ")"
	case ops.Unique:
		s += "UNIQUE (" + quoteIdents(k.Columns) + ")"
	}
	if k.NotValid {
		s += " NOT VALID"
	}
	return s
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

// valueSQL is the SQL of a default value for a column whose type is typ
// (written typeSQL): a value Ruby computes when the migration runs (the
// database gets its result, a constant) stands as a typed NULL.
func valueSQL(v value, typ ops.Type, typeSQL string, src []byte) (string, bool) {
	if v.k == kUnknown {
		if typeSQL == "" {
			typeSQL = typ.String()
		}
		return "CAST(NULL AS " + typeSQL + ")", true
	}
	e, msg := defaultExpr(v, typ, src)
	if msg != "" || e == nil {
		return "", false
	}
	return e.SQL(), true
}
