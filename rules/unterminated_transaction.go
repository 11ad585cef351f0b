package rules

import "github.com/schemagate/schemagate/internal/ops"

// UnterminatedTransaction flags a BEGIN without COMMIT.
var UnterminatedTransaction = &Rule{
	Name:     "unterminated-transaction",
	Severity: Error,
	Category: Transaction,
	Summary:  "a BEGIN that is never committed",
	Doc:      `A migration that opens a transaction and never commits it either rolls back everything when the connection closes (and the tool may record it as applied), or leaves a connection idle in transaction holding its locks. End every BEGIN with COMMIT.`,
	Bad:      "BEGIN;\nALTER TABLE users ADD COLUMN a int;",
	Good:     "BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;",
	Steps:    []string{"Add COMMIT at the end of the transaction."},
	Run: func(p *Pass) {
		var open *ops.Op
		for _, op := range p.Ops(ops.Begin, ops.Commit, ops.Rollback) {
			switch {
			case op.Kind == ops.Begin && op.Detail != "nested" && (!p.Migration.Transactional || op.Tx != 1):
				open = op
			case op.Kind == ops.Commit || op.Kind == ops.Rollback:
				open = nil
			}
		}
		if open != nil {
			f := Finding{Span: open.Span, Message: "this BEGIN is never committed", Hint: "add COMMIT; at the end of the transaction"}
			if !p.Migration.Framework {
				end := len(p.Migration.File.Text)
				f.Fixes = []Fix{{Title: "Add COMMIT at the end", Edits: []Edit{{Start: end, End: end, Text: "\nCOMMIT;\n"}}}}
			}
			p.ReportFinding(f)
		}
	},
}
