package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// AddColumnRewrite flags ADD COLUMN forms that rewrite the table.
var AddColumnRewrite = &Rule{
	Name:     "add-column-volatile-default",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "ADD COLUMN with a volatile default (or serial, identity, stored generated) rewrites the table under an ACCESS EXCLUSIVE lock",
	Doc:      `From PostgreSQL 11, ADD COLUMN with a constant or stable default (0, 'x', now()) is instant: the default is stored once in the catalog. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval(), any user function), a serial or identity column, or a stored generated column must compute a value per row, so PostgreSQL rewrites the whole table while holding ACCESS EXCLUSIVE. Before PostgreSQL 11 every non-null default rewrites. Add the column without the default (or with a constant one), set the default for new rows, and backfill existing rows in batches.`,
	Bad:      "ALTER TABLE events ADD COLUMN uuid uuid DEFAULT gen_random_uuid();",
	Good:     "ALTER TABLE events ADD COLUMN uuid uuid;\nALTER TABLE events ALTER COLUMN uuid SET DEFAULT gen_random_uuid();\n-- backfill existing rows in batches, outside the schema migration",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN c type; (no default: instant)",
		"ALTER TABLE t ALTER COLUMN c SET DEFAULT expr; (applies to new rows only: instant)",
		"Backfill existing rows in small batches in a separate job.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AddColumn) {
			c := op.ColumnDef
			if c == nil || p.IsNew(op) {
				continue
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
				continue
			case p.PGVersion < 11:
				why = fmt.Sprintf("before PostgreSQL 11 any default (%s) is written into every row", c.Default.SQL())
			case c.Default.Volatility == ops.Volatile:
				why = fmt.Sprintf("the default %s is volatile, so it is computed for every row", c.Default.SQL())
			default:
				continue
			}
			p.Reportf(op.Span, "add the column without that default, SET DEFAULT for new rows, and backfill in batches",
				"adding column %s to %s rewrites the table under an ACCESS EXCLUSIVE lock: %s", quoteIdent(c.Name), qname(op.Table), why)
		}
	},
}

// AddColumnNotNullWithoutDefault flags NOT NULL columns added without a
// default to existing tables.
var AddColumnNotNullWithoutDefault = &Rule{
	Name:     "add-column-not-null-without-default",
	Severity: Error,
	Category: Compatibility,
	Summary:  "ADD COLUMN ... NOT NULL without a default fails on a non-empty table and breaks the running release's inserts",
	Doc:      `Adding a NOT NULL column without a default fails outright when the table has rows ("column contains null values"). Even on an empty table it breaks the release that is still running: its INSERTs do not know the column and now fail. Add the column nullable (or with a default), deploy code that writes it, backfill, and only then add NOT NULL (see set-not-null-without-check).`,
	Bad:      "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;",
	Good:     "ALTER TABLE users ADD COLUMN tenant_id bigint;\n-- deploy code that writes tenant_id, backfill, then:\nALTER TABLE users ADD CONSTRAINT users_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN c type; (nullable), or with a constant DEFAULT if one makes sense",
		"Deploy code that writes c on every insert.",
		"Backfill existing rows in batches.",
		"Add NOT NULL through a validated CHECK constraint (set-not-null-without-check).",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AddColumn) {
			c := op.ColumnDef
			if c == nil || !c.NotNull || p.IsNew(op) {
				continue
			}
			if (c.Default != nil && !c.Default.Null) || c.Serial || c.Identity || c.Generated {
				continue
			}
			p.Reportf(op.Span, "add the column nullable (or with a default), backfill, then add NOT NULL",
				"adding NOT NULL column %s to %s without a default fails if the table has rows, and the running release's INSERTs do not set it", quoteIdent(c.Name), qname(op.Table))
		}
	},
}

// ChangeColumnType flags column type changes that rewrite the table.
var ChangeColumnType = &Rule{
	Name:     "change-column-type",
	Severity: Warning,
	Category: Rewrite,
	Summary:  "ALTER COLUMN ... TYPE rewrites the table and its indexes under an ACCESS EXCLUSIVE lock",
	Doc:      `Changing a column's type rewrites every row and rebuilds the indexes that use the column while holding ACCESS EXCLUSIVE, unless the old and new types are binary compatible (varchar(n) to text or to a larger varchar, numeric to a wider precision, cidr to inet). It also changes what the running release reads and writes (check reports that). The safe path is a new column: add it, write both, backfill, switch reads, drop the old one.`,
	Bad:      "ALTER TABLE orders ALTER COLUMN id TYPE bigint;",
	Good:     "ALTER TABLE orders ADD COLUMN id_new bigint;\n-- dual-write id_new, backfill, swap in a later release",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN c_new newtype;",
		"Deploy code that writes both columns (or a trigger), backfill c_new in batches.",
		"Deploy code that reads c_new.",
		"Drop c in a later release (after no running release references it), then rename if needed.",
	},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AlterColumnType) {
			if op.Type == nil || p.IsNew(op) {
				continue
			}
			if p.Schema != nil {
				if old, ok := p.Schema.ColumnType(op.Table, op.Column); ok {
					if ops.BinaryCompatible(old, *op.Type) && op.Using == "" {
						continue
					}
					p.Reportf(op.Span, "add a new column, backfill it and switch over instead",
						"changing %s.%s from %s to %s rewrites the table and its indexes under an ACCESS EXCLUSIVE lock", qname(op.Table), quoteIdent(op.Column), old, op.Type)
					continue
				}
			}
			p.Reportf(op.Span, "add a new column, backfill it and switch over instead (varchar(n) to text or a larger varchar is safe; check knows the old type)",
				"changing the type of %s.%s to %s rewrites the table and its indexes under an ACCESS EXCLUSIVE lock unless the old type is binary compatible", qname(op.Table), quoteIdent(op.Column), op.Type)
		}
	},
}

// AddColumnJSON flags json columns on existing tables.
var AddColumnJSON = &Rule{
	Name:     "add-column-json",
	Severity: Warning,
	Category: Compatibility,
	Summary:  "a json column has no equality operator: the running release's SELECT DISTINCT and UNION on the table start failing",
	Doc:      `The json type has no equality operator, so queries that compare whole rows (SELECT DISTINCT *, UNION, GROUP BY on every column), which work today, fail with "could not identify an equality operator for type json" as soon as the column exists. jsonb has equality, is faster to query and can be indexed.`,
	Bad:      "ALTER TABLE users ADD COLUMN settings json;",
	Good:     "ALTER TABLE users ADD COLUMN settings jsonb;",
	Steps:    []string{"Use jsonb."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AddColumn) {
			if c := op.ColumnDef; c != nil && c.Type.Name == "json" && !p.IsNew(op) {
				p.Reportf(op.Span, "use jsonb", "column %s.%s is json, which has no equality operator: existing SELECT DISTINCT or UNION queries on the table will fail", qname(op.Table), quoteIdent(c.Name))
			}
		}
	},
}

// DropNotNull flags DROP NOT NULL, which lets NULLs reach code that
// assumes there are none.
var DropNotNull = &Rule{
	Name:     "drop-not-null",
	Severity: Hint,
	Category: Compatibility,
	Summary:  "DROP NOT NULL lets NULLs reach a running release that assumes the column is always set",
	Doc:      `Once NOT NULL is gone, the new release may write NULLs, and the previous release (still running, or rolled back to) may read them where it assumes a value. Make sure the previous release handles NULL in this column before dropping the constraint.`,
	Bad:      "ALTER TABLE users ALTER COLUMN name DROP NOT NULL;",
	Good:     "-- deploy code that handles NULL names first, then:\nALTER TABLE users ALTER COLUMN name DROP NOT NULL;",
	Steps:    []string{"Deploy code that tolerates NULL in the column.", "Drop NOT NULL in a later release."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.DropNotNull) {
			if !p.IsNew(op) {
				p.Reportf(op.Span, "make sure the running release tolerates NULL in this column", "DROP NOT NULL on %s.%s lets NULLs reach code that may assume the column is always set", qname(op.Table), quoteIdent(op.Column))
			}
		}
	},
}

func init() {
	Register(AddColumnRewrite, AddColumnNotNullWithoutDefault, ChangeColumnType, AddColumnJSON, DropNotNull)
}
