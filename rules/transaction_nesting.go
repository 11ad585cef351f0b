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
		for _, op := range p.Ops(ops.Begin, ops.Commit, ops.Rollback) {
			switch {
			case op.Kind == ops.Begin && op.Detail == "nested":
				why := "an earlier BEGIN is still open"
				if p.Migration.Transactional {
					why = "the migration tool already runs this migration in a transaction"
				}
				p.Reportf(op.Span, "remove the BEGIN", "BEGIN inside a transaction: %s", why)
			case op.Kind != ops.Begin && p.Migration.Transactional && op.Tx == 1:
				p.Reportf(op.Span, "remove the COMMIT and let the tool commit, or opt the migration out of the tool's transaction",
					"%s ends the transaction the migration tool opened: the statements after it run outside any transaction", strings.ToUpper(string(op.Kind)))
			}
		}
	},
}
