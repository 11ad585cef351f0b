package rules

import (
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// EnumAddValueInTransaction flags ALTER TYPE ... ADD VALUE inside a
// transaction where PostgreSQL refuses or restricts it.
var EnumAddValueInTransaction = &Rule{
	Name:     "enum-add-value-in-transaction",
	Severity: Error,
	Category: Correctness,
	Summary:  "ALTER TYPE ... ADD VALUE inside a transaction fails before PostgreSQL 12, and the new value cannot be used in the same transaction after",
	Doc:      `Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block at all. From 12 it can, but the new value cannot be used until the transaction commits: a later statement in the same transaction that uses it fails with "unsafe use of new value".`,
	Bad:      "BEGIN;\nALTER TYPE status ADD VALUE 'archived';\nUPDATE posts SET status = 'archived' WHERE ...;\nCOMMIT;",
	Good:     "ALTER TYPE status ADD VALUE IF NOT EXISTS 'archived';\n-- use the value in a later migration",
	Steps:    []string{"Add the enum value in its own migration (outside a transaction before PostgreSQL 12).", "Use the value in a later migration."},
	Run: func(p *Pass) {
		added := map[int][]string{} // tx -> values added in it
		for _, op := range p.Ops() {
			if op.Kind == ops.AddEnumValue && op.InTransaction {
				if p.PGVersion < 12 {
					p.Reportf(op.Span, noTransactionHint(p.Migration.Format), "ALTER TYPE %s ADD VALUE cannot run inside a transaction block before PostgreSQL 12", qname(op.Object))
					continue
				}
				added[op.Tx] = append(added[op.Tx], op.NewName)
				continue
			}
			if !op.InTransaction || len(added[op.Tx]) == 0 || p.Migration.Framework {
				continue
			}
			text := p.statementText(op)
			for _, v := range added[op.Tx] {
				if strings.Contains(text, "'"+strings.ReplaceAll(v, "'", "''")+"'") {
					p.Reportf(op.Span, "use the new value in a later migration", "the enum value '%s' is used in the same transaction that adds it, which PostgreSQL rejects (unsafe use of new value)", v)
					break
				}
			}
		}
	},
}
