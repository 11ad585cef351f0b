package rules

import "github.com/schemagate/schemagate/internal/ops"

// AddColumnJSON flags json columns on existing tables.
var AddColumnJSON = &Rule{
	Name:     "add-column-json",
	Severity: Warning,
	Category: Compatibility,
	Summary:  "a json column has no equality operator: the running release's SELECT DISTINCT and UNION on the table start failing",
	Kinds:    []ops.Kind{ops.AddColumn},
	Doc:      `The json type has no equality operator, so queries that compare whole rows (SELECT DISTINCT *, UNION, GROUP BY on every column), which work today, fail with "could not identify an equality operator for type json" as soon as the column exists. jsonb has equality, is faster to query and can be indexed.`,
	Bad:      "ALTER TABLE users ADD COLUMN settings json;",
	Good:     "ALTER TABLE users ADD COLUMN settings jsonb;",
	Steps:    []string{"Use jsonb."},
	Op: func(p *Pass, op *ops.Op) {
		if c := op.ColumnDef; c != nil && c.Type.Name == "json" {
			p.Reportf(op.Span, "use jsonb", "column %s.%s is json, which has no equality operator: existing SELECT DISTINCT or UNION queries on the table will fail", qname(op.Table), quoteIdent(c.Name))
		}
	},
}
