package rules

import (
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// TransactionNesting flags BEGIN inside a transaction and COMMIT inside a
// migration the tool wraps in its own transaction.
var TransactionNesting = &Rule{
	Name:     "transaction-nesting",
	Severity: Warning,
	Category: Transaction,
	Summary:  "BEGIN/COMMIT inside a migration that already runs in a transaction",
	Doc:      `When the migration tool wraps each migration in a transaction, a BEGIN in the file only draws a warning and a COMMIT ends the tool's transaction early: the statements after it run outside any transaction, and a failure leaves the migration half applied while the tool records it as failed. Remove the explicit BEGIN/COMMIT, or opt the migration out of the tool's transaction.`,
	Bad:      "-- +goose Up\nBEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;",
	Good:     "-- +goose Up\nALTER TABLE users ADD COLUMN a int;",
	Steps:    []string{"Remove BEGIN/COMMIT from migrations the tool already wraps in a transaction."},
	Run: func(p *Pass) {
		// golang-migrate and Prisma send a file of several statements as
		// one query, which PostgreSQL runs as one implicit transaction: a
		// BEGIN there makes it an explicit one (no warning), and its
		// COMMIT ends it as intended.
		implicit := p.Migration.Transactional && (p.Migration.Format == "golang-migrate" || p.Migration.Format == "prisma")
		explicit := false
		for _, op := range p.Ops(ops.Begin, ops.Commit, ops.Rollback) {
			switch {
			case op.Kind == ops.Begin && op.Detail == "nested":
				if implicit && op.Tx == 1 && !explicit {
					explicit = true
					continue
				}
				why := "an earlier BEGIN is still open"
				if p.Migration.Transactional && !explicit {
					why = "the migration tool already runs this migration in a transaction"
				}
				p.Reportf(op.Span, "remove the BEGIN", "BEGIN inside a transaction: %s", why)
			case op.Kind != ops.Begin && p.Migration.Transactional && op.Tx == 1:
				if explicit {
					explicit = false
					continue
				}
				p.Reportf(op.Span, "remove the "+strings.ToUpper(string(op.Kind))+" and let the tool commit, or opt the migration out of the tool's transaction", "%s", endsToolTransaction(op.Kind, implicit))
			}
		}
	},
}

// endsToolTransaction says what a COMMIT or ROLLBACK does to the
// transaction the migration runs in.
func endsToolTransaction(k ops.Kind, implicit bool) string {
	switch {
	case implicit && k == ops.Commit:
		return "COMMIT ends the implicit transaction PostgreSQL runs a file of several statements in: the statements before it stay committed when a later one fails"
	case implicit:
		return "ROLLBACK ends the implicit transaction PostgreSQL runs a file of several statements in: it undoes the statements before it, and the tool records the migration as applied"
	case k == ops.Commit:
		return "COMMIT ends the transaction the migration tool opened: the statements after it run outside any transaction"
	}
	return "ROLLBACK ends the transaction the migration tool opened: it undoes the statements before it while the tool records the migration as applied, and the statements after it run outside any transaction"
}
