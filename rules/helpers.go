package rules

import (
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// noTransactionHint says, in the migration tool's own words, how to run
// a migration outside a transaction.
func noTransactionHint(format migration.Format) string {
	return format.Tool().NoTransaction
}

// statementText returns the SQL text of the operation's statement when the
// migration is SQL, "" for framework migrations.
func (p *Pass) statementText(op *ops.Op) string {
	if p.Migration.Framework || op.Stmt < 0 || op.Stmt >= len(p.Migration.Statements) {
		return ""
	}
	return p.Migration.Statements[op.Stmt].Text
}

// insertAfter returns an edit that inserts text after the first match of
// re in the operation's statement, or nil.
func (p *Pass) insertAfter(op *ops.Op, re *regexp.Regexp, text string) *Edit {
	stmt := p.statementText(op)
	if stmt == "" {
		return nil
	}
	loc := re.FindStringIndex(stmt)
	if loc == nil {
		return nil
	}
	at := op.Span.Start.Offset + loc[1]
	return &Edit{Start: at, End: at, Text: text}
}

func fix(title string, edits ...*Edit) []Fix {
	var es []Edit
	for _, e := range edits {
		if e == nil {
			return nil
		}
		es = append(es, *e)
	}
	if len(es) == 0 {
		return nil
	}
	return []Fix{{Title: title, Edits: es}}
}

// quoteIdent quotes an identifier only when PostgreSQL needs it.
func quoteIdent(s string) string { return ops.QuoteIdent(s) }

func qname(n ops.Name) string { return n.Quoted() }

// hintIn says a fix in the migration framework's own words when the
// migration is Rails, Django or Alembic code, and sql otherwise.
func hintIn(format migration.Format, sql, railsHint, djangoHint, alembicHint string) string {
	switch format {
	case migration.FormatRails:
		if railsHint != "" {
			return railsHint
		}
	case migration.FormatDjango:
		if djangoHint != "" {
			return djangoHint
		}
	case migration.FormatAlembic:
		if alembicHint != "" {
			return alembicHint
		}
	}
	return sql
}

// describe names an operation for messages.
func describe(op *ops.Op) string {
	switch op.Kind {
	case ops.AlterTableOther:
		return "ALTER TABLE (" + strings.ReplaceAll(op.Detail, "_", " ") + ")"
	case ops.Other:
		return op.Detail
	}
	return strings.ToUpper(strings.ReplaceAll(string(op.Kind), "-", " "))
}

// concurrentlyHint suggests the CONCURRENTLY form, and how to leave the
// transaction when the statement is inside one, in the framework's words
// for framework migrations.
func concurrentlyHint(form string, op *ops.Op, format migration.Format) string {
	create := strings.HasPrefix(form, "CREATE")
	switch format {
	case migration.FormatRails:
		if create {
			return "add_index ... algorithm: :concurrently, with disable_ddl_transaction! in the migration"
		}
		return "remove_index ... algorithm: :concurrently, with disable_ddl_transaction! in the migration"
	case migration.FormatDjango:
		if create {
			return "use AddIndexConcurrently in a migration with atomic = False"
		}
		return "use RemoveIndexConcurrently in a migration with atomic = False"
	case migration.FormatAlembic:
		if create {
			return "op.create_index(..., postgresql_concurrently=True) inside with op.get_context().autocommit_block():"
		}
		return "op.drop_index(..., postgresql_concurrently=True) inside with op.get_context().autocommit_block():"
	}
	if !op.InTransaction {
		return "use " + form
	}
	return "use " + form + " outside a transaction: " + noTransactionHint(format)
}

// colDef is a column some operation defines.
type colDef struct {
	op  *ops.Op
	col *ops.Column
}

// span is where the column is defined, or its statement.
func (c colDef) span() source.Span {
	if !c.col.Span.Empty() {
		return c.col.Span
	}
	return c.op.Span
}

// columnsOf returns the columns that CREATE TABLE, ADD COLUMN and ALTER
// COLUMN TYPE define. Framework migrations have none here: their types
// are the framework's defaults (Rails' t.string and t.timestamps, Django's
// CharField), which a hint about SQL type choices cannot change.
func columnsOf(p *Pass) []colDef {
	if p.Migration.Framework {
		return nil
	}
	var out []colDef
	for _, op := range p.Ops(ops.CreateTable, ops.AddColumn, ops.AlterColumnType) {
		switch op.Kind {
		case ops.CreateTable:
			for i := range op.Columns {
				out = append(out, colDef{op, &op.Columns[i]})
			}
		case ops.AddColumn:
			if op.ColumnDef != nil {
				out = append(out, colDef{op, op.ColumnDef})
			}
		case ops.AlterColumnType:
			if op.Type != nil {
				out = append(out, colDef{op, &ops.Column{Name: op.Column, Type: *op.Type}})
			}
		}
	}
	return out
}
