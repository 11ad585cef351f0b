package rules

import (
	"regexp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
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
