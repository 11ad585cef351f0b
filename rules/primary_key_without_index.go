package rules

import (
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// PrimaryKeyWithoutIndex flags primary keys added to existing tables
// without USING INDEX.
var PrimaryKeyWithoutIndex = &Rule{
	Name:     "primary-key-without-index",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding a PRIMARY KEY builds its index (and may scan for NOT NULL) under an ACCESS EXCLUSIVE lock",
	Kinds:    []ops.Kind{ops.AddConstraint},
	Doc:      `ADD PRIMARY KEY (or a new column declared PRIMARY KEY, such as "ADD COLUMN id serial PRIMARY KEY") builds a unique index and sets NOT NULL on its columns while holding ACCESS EXCLUSIVE on the table. Build the unique index CONCURRENTLY first and attach it with ADD CONSTRAINT ... PRIMARY KEY USING INDEX.`,
	Bad:      "ALTER TABLE items ADD PRIMARY KEY (id);",
	Good:     "CREATE UNIQUE INDEX CONCURRENTLY items_pkey ON items (id);\nALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;",
	Steps:    []string{"Make sure the columns are NOT NULL (see set-not-null-without-check).", "CREATE UNIQUE INDEX CONCURRENTLY ...;", "ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX ...;"},
	Op: func(p *Pass, op *ops.Op) {
		if k := op.Constraint; k != nil && k.Type == ops.PrimaryKey && k.UsingIndex == "" {
			p.Reportf(op.Span, "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX",
				"adding a PRIMARY KEY on %s (%s) builds its index under an ACCESS EXCLUSIVE lock", qname(op.Table), strings.Join(k.Columns, ", "))
		}
	},
}
