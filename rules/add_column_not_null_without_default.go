package rules

import "github.com/schemagate/schemagate/internal/ops"

// AddColumnNotNullWithoutDefault flags NOT NULL columns added without a
// default to existing tables.
var AddColumnNotNullWithoutDefault = &Rule{
	Name:     "add-column-not-null-without-default",
	Severity: Error,
	Category: Compatibility,
	Summary:  "ADD COLUMN ... NOT NULL without a default fails on a non-empty table and breaks the running release's inserts",
	Kinds:    []ops.Kind{ops.AddColumn},
	Doc:      `Adding a NOT NULL column without a default fails outright when the table has rows ("column contains null values"). Even on an empty table it breaks the release that is still running: its INSERTs do not know the column and now fail. Add the column nullable (or with a default), deploy code that writes it, backfill, and only then add NOT NULL (see set-not-null-without-check).`,
	Bad:      "ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;",
	Good:     "ALTER TABLE users ADD COLUMN tenant_id bigint;\n-- deploy code that writes tenant_id, backfill, then:\nALTER TABLE users ADD CONSTRAINT users_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;",
	Steps: []string{
		"ALTER TABLE t ADD COLUMN c type; (nullable), or with a constant DEFAULT if one makes sense",
		"Deploy code that writes c on every insert.",
		"Backfill existing rows in batches.",
		"Add NOT NULL through a validated CHECK constraint (set-not-null-without-check).",
	},
	Op: func(p *Pass, op *ops.Op) {
		c := op.ColumnDef
		if c == nil || !c.NotNull {
			return
		}
		if (c.Default != nil && !c.Default.Null) || c.Serial || c.Identity || c.Generated {
			return
		}
		p.Reportf(op.Span, "add the column nullable (or with a default), backfill, then add NOT NULL",
			"adding NOT NULL column %s to %s without a default fails if the table has rows, and the running release's INSERTs do not set it", quoteIdent(c.Name), qname(op.Table))
	},
}
