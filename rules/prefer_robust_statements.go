package rules

import (
	"fmt"
	"regexp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
)

var (
	reCreateIndexFull = regexp.MustCompile(`(?i)^\s*create\s+(unique\s+)?index(\s+concurrently)?`)
	reDropIndexFull   = regexp.MustCompile(`(?i)^\s*drop\s+index(\s+concurrently)?`)
	reCreateTable     = regexp.MustCompile(`(?i)^\s*create\s+((global|local)\s+)?((temp|temporary|unlogged)\s+)?table`)
	reDropTable       = regexp.MustCompile(`(?i)^\s*drop\s+table`)
)

// PreferRobustStatements flags non-idempotent DDL in migrations that run
// outside a transaction and so can stop half way.
var PreferRobustStatements = &Rule{
	Name:     "prefer-robust-statements",
	Severity: Warning,
	Category: Reliability,
	Summary:  "a migration outside a transaction can fail half way; its statements must be safe to run again",
	Doc:      `Outside a transaction, each statement commits on its own. If the migration fails at statement 3, statements 1 and 2 stay applied, and the retry fails at statement 1 with "already exists". A failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind with the same effect. Write IF NOT EXISTS / IF EXISTS so the retry can run from the top. A statement the migration guards with a question to the database (Rails' ` + "`unless index_exists?(...)`" + `, ` + "`if column_exists?(...)`" + `; Alembic's ` + "`if not inspector.has_table(...)`" + `) is rerunnable already. Where the framework's call cannot say IF NOT EXISTS (Django's operations), the hint gives the framework's way.`,
	Bad:      "-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY index_users_on_email ON users (email);",
	Good:     "-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY IF NOT EXISTS index_users_on_email ON users (email);",
	Steps:    []string{"Add IF NOT EXISTS to CREATE statements and ADD COLUMN.", "Add IF EXISTS to DROP statements and DROP COLUMN."},
	Run: func(p *Pass) {
		// Plain SQL files run statement by statement by nature; there only
		// CONCURRENTLY index builds, which leave an INVALID index behind
		// when they fail, are flagged. A migration that opted out of its
		// tool's transaction is flagged whole once it has several
		// statements.
		stmts := map[int]bool{}
		for _, op := range p.Ops() {
			stmts[op.Stmt] = true
		}
		optedOut := len(stmts) > 1 && p.Migration.Format.Tool().Transaction != migration.TxNone && !p.Migration.Transactional
		for _, op := range p.Ops() {
			if op.InTransaction || op.Guarded {
				continue
			}
			concurrentIndex := (op.Kind == ops.CreateIndex || op.Kind == ops.DropIndex) && op.Concurrently
			if !optedOut && !concurrentIndex {
				continue
			}
			missing := MissingGuard(op)
			if missing == "" {
				continue
			}
			hint, cannotSay := robustHint(p, op, missing)
			f := Finding{
				Span:    op.Span,
				Message: fmt.Sprintf("%s without %s runs outside a transaction: if the migration fails after it, the retry fails here", describe(op), missing),
				Hint:    hint,
			}
			if cannotSay {
				// The call cannot say IF [NOT] EXISTS: nothing to change in
				// it, only the framework's longer way around, so it is a
				// hint, not a warning a fix could trade for another.
				f.Severity = Hint
			}
			switch op.Kind {
			case ops.CreateIndex:
				f.Fixes = fix("Add IF NOT EXISTS", p.insertAfter(op, reCreateIndexFull, " IF NOT EXISTS"))
			case ops.DropIndex:
				f.Fixes = fix("Add IF EXISTS", p.insertAfter(op, reDropIndexFull, " IF EXISTS"))
			case ops.CreateTable:
				f.Fixes = fix("Add IF NOT EXISTS", p.insertAfter(op, reCreateTable, " IF NOT EXISTS"))
			case ops.DropTable:
				f.Fixes = fix("Add IF EXISTS", p.insertAfter(op, reDropTable, " IF EXISTS"))
			}
			p.ReportFinding(f)
		}
	},
}

// MissingGuard is the clause (IF NOT EXISTS, IF EXISTS) that would make
// op safe to run again after a failure half way, or "" when it is safe
// already or has none. Editors ask it before they take a migration out of
// its transaction.
func MissingGuard(op *ops.Op) string {
	switch op.Kind {
	case ops.CreateIndex, ops.CreateTable, ops.CreateSequence, ops.CreateSchema, ops.CreateExtension:
		if !op.IfNotExists && (op.Kind != ops.CreateIndex || op.Object.Name != "") {
			return "IF NOT EXISTS"
		}
	case ops.AddColumn:
		if !op.IfNotExists {
			return "IF NOT EXISTS"
		}
	case ops.DropIndex, ops.DropTable, ops.DropView, ops.DropMatView, ops.DropSequence, ops.DropFunction, ops.DropType, ops.DropColumn, ops.DropConstraint, ops.DropSchema:
		if !op.IfExists {
			return "IF EXISTS"
		}
	}
	return ""
}

// reWrittenSQL finds SQL a migration writes itself (Rails' execute,
// Django's RunSQL, op.execute, a string in Go or TypeScript): there IF
// [NOT] EXISTS can be added where it is.
var reWrittenSQL = regexp.MustCompile(`(?i)\b(create|drop|alter)\s`)

// reCall reads the name of the call at the start of a span
// ("add_index", "migrations.AddIndexConcurrently", "op.create_index").
var reCall = regexp.MustCompile(`^(?:[A-Za-z_][A-Za-z0-9_]*\.)*([A-Za-z_][A-Za-z0-9_]*)`)

// robustHint says how to make op safe to run again, in the migration's
// own words: IF [NOT] EXISTS in SQL it writes; the framework's option or
// guard for its calls; for a call that cannot be told (Django's
// operations), the framework's way of writing the SQL instead; nothing
// for calls schemagate does not know the words of. cannotSay reports a
// call that has no IF [NOT] EXISTS at all (Django's operations).
func robustHint(p *Pass, op *ops.Op, missing string) (hint string, cannotSay bool) {
	if !p.Migration.Framework || p.Migration.File == nil {
		return "add " + missing, false
	}
	text := string(p.Migration.File.Text[op.Span.Start.Offset:op.Span.End.Offset])
	if reWrittenSQL.MatchString(text) {
		return "add " + missing + " to the SQL", false
	}
	call := ""
	if m := reCall.FindStringSubmatch(text); m != nil {
		call = m[1]
	}
	exists := "if_exists"
	if missing == "IF NOT EXISTS" {
		exists = "if_not_exists"
	}
	switch p.Migration.Format {
	case "rails":
		guard := map[ops.Kind]string{ops.CreateIndex: "unless index_exists?(...)", ops.DropIndex: "if index_exists?(...)",
			ops.AddColumn: "unless column_exists?(...)", ops.DropColumn: "if column_exists?(...)",
			ops.CreateTable: "unless table_exists?(...)", ops.DropTable: "if table_exists?(...)"}[op.Kind]
		if guard == "" {
			return "", false
		}
		return fmt.Sprintf("pass %s: true to %s (Rails 6.1+), or guard it: %s %s", exists, call, call, guard), false
	case "django":
		return fmt.Sprintf("Django's %s cannot say %s: write the SQL with %s in migrations.SeparateDatabaseAndState(database_operations=[migrations.RunSQL(...)], state_operations=[migrations.%s(...)])", call, missing, missing, call), true
	case "alembic":
		since := map[ops.Kind]string{ops.CreateIndex: "1.12", ops.DropIndex: "1.12", ops.CreateTable: "1.13.3", ops.DropTable: "1.13.3",
			ops.AddColumn: "1.16", ops.DropColumn: "1.16"}[op.Kind]
		if since == "" {
			return "guard it with sa.inspect(op.get_bind()) (if not inspector.has_...)", false
		}
		return fmt.Sprintf("pass %s=True to op.%s (Alembic %s+), or guard it with sa.inspect(op.get_bind())", exists, call, since), false
	}
	return "", false
}
