package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// AddColumnVolatileDefault flags ADD COLUMN forms that rewrite the table.
var AddColumnVolatileDefault = &Rule{
	Name:     "add-column-volatile-default",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "ADD COLUMN with a volatile default (or serial, identity, stored generated) rewrites the table under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.AddColumn},
	Doc:      `From PostgreSQL 11, ADD COLUMN with a constant or stable default (0, 'x', now()) is instant: the default is stored once in the catalog. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(), any user function), a serial or identity column, or a stored generated column must compute a value per row, so PostgreSQL rewrites the whole table while holding ACCESS EXCLUSIVE. Before PostgreSQL 11 every non-null default rewrites. Add the column without the default (or with a constant one), set the default for new rows, and backfill existing rows in batches.`,
	Bad:      "ALTER TABLE events ADD COLUMN uuid uuid DEFAULT gen_random_uuid();",
	Good:     "ALTER TABLE events ADD COLUMN uuid uuid;\nALTER TABLE events ALTER COLUMN uuid SET DEFAULT gen_random_uuid();\n-- backfill existing rows in batches, outside the schema migration",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN c type; (no default: instant)",
		"ALTER TABLE t ALTER COLUMN c SET DEFAULT expr; (applies to new rows only: instant)",
		"Backfill existing rows in small batches in a separate job.",
	},
	Op: func(p *Pass, op *ops.Op) {
		c := op.ColumnDef
		if c == nil {
			return
		}
		var why string
		switch {
		case c.Serial:
			why = fmt.Sprintf("a %s column fills every row from a sequence", c.Type.Name)
		case c.Identity:
			why = "an identity column fills every row from a sequence"
		case c.Generated:
			why = "a stored generated column computes every row"
		case c.Default == nil || c.Default.Null:
			return
		case p.PGVersion < 11:
			why = fmt.Sprintf("before PostgreSQL 11 any default (%s) is written into every row", c.Default.SQL())
		case c.Default.Volatility == ops.Volatile:
			why = fmt.Sprintf("the default %s is volatile, so it is computed for every row", c.Default.SQL())
		default:
			return
		}
		p.Reportf(op.Span, "add the column without that default, SET DEFAULT for new rows, and backfill in batches",
			"adding column %s to %s rewrites the table under an ACCESS EXCLUSIVE lock: %s", quoteIdent(c.Name), qname(op.Table), why)
	},
}
