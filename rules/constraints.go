package rules

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// ConstraintMissingNotValid flags CHECK and FOREIGN KEY constraints added
// to existing tables without NOT VALID.
var ConstraintMissingNotValid = &Rule{
	Name:     "constraint-missing-not-valid",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding a CHECK or FOREIGN KEY constraint without NOT VALID scans the table under a blocking lock",
	Doc:      `ALTER TABLE ... ADD CONSTRAINT checks every existing row while holding its lock: ACCESS EXCLUSIVE for a CHECK (no reads, no writes), SHARE ROW EXCLUSIVE on both tables for a FOREIGN KEY (no writes). Add it NOT VALID (new rows are checked at once, the old ones are not scanned), then VALIDATE CONSTRAINT in a separate transaction: validation takes only SHARE UPDATE EXCLUSIVE, so the running release keeps reading and writing. Validating in the same transaction as the ADD gains nothing, because the ADD's lock is held until commit.`,
	Bad:      "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id);",
	Good:     "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n-- in a later migration (or after COMMIT):\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fk;",
	Steps: []string{
		"ALTER TABLE ... ADD CONSTRAINT ... NOT VALID;",
		"COMMIT (or end the migration).",
		"ALTER TABLE ... VALIDATE CONSTRAINT ...; in its own transaction or migration.",
	},
	Run: func(p *Pass) {
		notValid := map[string]*ops.Op{} // constraint name -> its NOT VALID add
		for _, op := range p.Ops(ops.AddConstraint, ops.ValidateConstr) {
			if op.Kind == ops.ValidateConstr {
				if add, ok := notValid[op.Table.Key()+"."+op.Object.Name]; ok && add.InTransaction && add.Tx == op.Tx {
					p.Reportf(op.Span, hintIn(p.Migration.Format, "commit between ADD CONSTRAINT ... NOT VALID and VALIDATE CONSTRAINT (put the validation in a later migration)",
						"move validate_foreign_key / validate_check_constraint to a later migration", "move the VALIDATE CONSTRAINT to a later migration", "move the VALIDATE CONSTRAINT to a later revision"),
						"VALIDATE CONSTRAINT %s runs in the same transaction as its ADD CONSTRAINT, so the table stays locked by the ADD while every row is checked", op.Object.Name)
				}
				continue
			}
			k := op.Constraint
			if k == nil || (k.Type != ops.Check && k.Type != ops.ForeignKey) || op.Detail == "inline" {
				continue
			}
			if k.NotValid {
				notValid[op.Table.Key()+"."+k.Name] = op
				continue
			}
			if p.IsNew(op) {
				continue
			}
			if k.Type == ops.ForeignKey && k.RefTable != nil && p.Schema != nil && !p.Schema.TableExisted(*k.RefTable) && !p.Schema.TableExisted(op.Table) {
				continue
			}
			what := "CHECK constraint"
			lock := "an ACCESS EXCLUSIVE lock (no reads or writes)"
			if k.Type == ops.ForeignKey {
				what = "FOREIGN KEY"
				lock = "a SHARE ROW EXCLUSIVE lock on both tables (no writes)"
			}
			name := k.Name
			if name == "" {
				name = "..."
			}
			sqlHint := fmt.Sprintf("add it NOT VALID, then run ALTER TABLE %s VALIDATE CONSTRAINT %s; in a separate transaction", qname(op.Table), name)
			railsHint := "add_check_constraint ..., validate: false; then validate_check_constraint in a later migration"
			alembicHint := "create it with postgresql_not_valid=True (or op.execute with NOT VALID), then VALIDATE CONSTRAINT in a later revision"
			if k.Type == ops.ForeignKey {
				railsHint = "add_foreign_key ..., validate: false (add_reference ..., foreign_key: { validate: false }); then validate_foreign_key in a later migration"
			}
			f := Finding{
				Span:    op.Span,
				Message: fmt.Sprintf("adding %s %s to %s scans every row under %s", what, k.Name, qname(op.Table), lock),
				Hint: hintIn(p.Migration.Format, sqlHint, railsHint,
					"add it with migrations.RunSQL(... NOT VALID), then a later migration that runs VALIDATE CONSTRAINT", alembicHint),
			}
			if stmt := p.statementText(op); stmt != "" && k.Name != "" {
				end := op.Span.End.Offset
				f.Fixes = []Fix{{Title: "Add NOT VALID and a separate VALIDATE CONSTRAINT", Edits: []Edit{{Start: end, End: end,
					Text: " NOT VALID;\n-- run in a separate transaction:\nALTER TABLE " + qname(op.Table) + " VALIDATE CONSTRAINT " + quoteIdent(k.Name)}}}}
			}
			p.ReportFinding(f)
		}
	},
}

// UniqueConstraintWithoutIndex flags UNIQUE constraints added to existing
// tables without USING INDEX.
var UniqueConstraintWithoutIndex = &Rule{
	Name:     "unique-constraint-without-index",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding a UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock",
	Doc:      `ADD CONSTRAINT ... UNIQUE (or a new column declared UNIQUE) builds the unique index while holding ACCESS EXCLUSIVE on the table: no reads, no writes for the whole build. Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then attach it with ADD CONSTRAINT ... UNIQUE USING INDEX, which is instant.`,
	Bad:      "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
	Good:     "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;",
	Steps:    []string{"CREATE UNIQUE INDEX CONCURRENTLY name ON table (cols); (outside a transaction)", "ALTER TABLE table ADD CONSTRAINT name UNIQUE USING INDEX name;"},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AddConstraint) {
			if k := op.Constraint; k != nil && k.Type == ops.Unique && k.UsingIndex == "" && !p.IsNew(op) {
				p.Reportf(op.Span, "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX",
					"adding a UNIQUE constraint on %s (%s) builds its index under an ACCESS EXCLUSIVE lock", qname(op.Table), strings.Join(k.Columns, ", "))
			}
		}
	},
}

// PrimaryKeyWithoutIndex flags primary keys added to existing tables
// without USING INDEX.
var PrimaryKeyWithoutIndex = &Rule{
	Name:     "primary-key-without-index",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding a PRIMARY KEY builds its index (and may scan for NOT NULL) under an ACCESS EXCLUSIVE lock",
	Doc:      `ADD PRIMARY KEY (or a new column declared PRIMARY KEY, such as "ADD COLUMN id serial PRIMARY KEY") builds a unique index and sets NOT NULL on its columns while holding ACCESS EXCLUSIVE on the table. Build the unique index CONCURRENTLY first and attach it with ADD CONSTRAINT ... PRIMARY KEY USING INDEX.`,
	Bad:      "ALTER TABLE items ADD PRIMARY KEY (id);",
	Good:     "CREATE UNIQUE INDEX CONCURRENTLY items_pkey ON items (id);\nALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;",
	Steps:    []string{"Make sure the columns are NOT NULL (see set-not-null-without-check).", "CREATE UNIQUE INDEX CONCURRENTLY ...;", "ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX ...;"},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AddConstraint) {
			if k := op.Constraint; k != nil && k.Type == ops.PrimaryKey && k.UsingIndex == "" && !p.IsNew(op) {
				p.Reportf(op.Span, "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX",
					"adding a PRIMARY KEY on %s (%s) builds its index under an ACCESS EXCLUSIVE lock", qname(op.Table), strings.Join(k.Columns, ", "))
			}
		}
	},
}

// AddExclusionConstraint flags exclusion constraints on existing tables.
var AddExclusionConstraint = &Rule{
	Name:     "add-exclusion-constraint",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding an EXCLUSION constraint builds its index under an ACCESS EXCLUSIVE lock",
	Doc:      `An exclusion constraint cannot be added NOT VALID or USING INDEX: PostgreSQL builds its index and checks every row while holding ACCESS EXCLUSIVE on the table. On a table of any size, do it in a maintenance window or create a new table with the constraint and move the data.`,
	Bad:      "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);",
	Good:     "-- add it when the table is created, or in a maintenance window",
	Steps:    []string{"Prefer adding exclusion constraints when the table is created.", "Otherwise schedule the change when a full lock is acceptable."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.AddConstraint) {
			if k := op.Constraint; k != nil && k.Type == ops.Exclusion && !p.IsNew(op) {
				p.Reportf(op.Span, "add exclusion constraints when a table is created, or when a full lock is acceptable",
					"adding an EXCLUSION constraint to %s builds its index and checks every row under an ACCESS EXCLUSIVE lock", qname(op.Table))
			}
		}
	},
}

// SetNotNullWithoutCheck flags SET NOT NULL that must scan the table.
var SetNotNullWithoutCheck = &Rule{
	Name:     "set-not-null-without-check",
	Severity: Warning,
	Category: Locking,
	Summary:  "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock unless a validated CHECK proves it",
	Doc:      `ALTER COLUMN ... SET NOT NULL reads every row to prove there is no NULL while holding ACCESS EXCLUSIVE: the running release can neither read nor write the table meanwhile. From PostgreSQL 12, a validated CHECK (col IS NOT NULL) constraint lets it skip the scan. So: add the CHECK NOT VALID, VALIDATE it separately (no blocking lock), then SET NOT NULL (instant) and drop the CHECK. (SET NOT NULL also breaks a running release that still inserts NULLs into the column; check reports that.)`,
	Bad:      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
	Good:     "ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\n-- next migration:\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\n-- next migration:\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;",
	Steps: []string{
		"ALTER TABLE t ADD CONSTRAINT t_col_not_null CHECK (col IS NOT NULL) NOT VALID;",
		"ALTER TABLE t VALIDATE CONSTRAINT t_col_not_null; (separate transaction)",
		"ALTER TABLE t ALTER COLUMN col SET NOT NULL; (PostgreSQL 12+: no scan)",
		"ALTER TABLE t DROP CONSTRAINT t_col_not_null;",
	},
	Run: func(p *Pass) {
		// A CHECK (col IS NOT NULL) validated earlier in this migration, in
		// an earlier transaction, proves the column.
		type proof struct {
			notValid bool
			tx       int
		}
		proven := map[string]proof{}
		names := map[string]string{} // constraint key -> column key
		for _, op := range p.Ops(ops.AddConstraint, ops.ValidateConstr, ops.SetNotNull) {
			switch op.Kind {
			case ops.AddConstraint:
				if k := op.Constraint; k != nil && k.NotNullColumn != "" {
					key := op.Table.Key() + "." + k.NotNullColumn
					names[op.Table.Key()+"."+k.Name] = key
					proven[key] = proof{notValid: k.NotValid, tx: op.Tx}
				}
			case ops.ValidateConstr:
				if key, ok := names[op.Table.Key()+"."+op.Object.Name]; ok {
					proven[key] = proof{tx: op.Tx}
				}
			case ops.SetNotNull:
				if p.IsNew(op) {
					continue
				}
				key := op.Table.Key() + "." + op.Column
				if p.PGVersion >= 12 {
					if pr, ok := proven[key]; ok && !pr.notValid {
						continue
					}
					if p.Schema != nil && p.Schema.HasValidNotNullCheck(op.Table, op.Column) {
						continue
					}
				}
				hint := fmt.Sprintf("add CHECK (%s IS NOT NULL) NOT VALID, VALIDATE it in a separate migration, then SET NOT NULL", quoteIdent(op.Column))
				if p.PGVersion < 12 {
					hint = "PostgreSQL before 12 always scans for SET NOT NULL; keep a validated CHECK (col IS NOT NULL) constraint instead"
				}
				p.Reportf(op.Span, hint, "SET NOT NULL on %s.%s scans the whole table under an ACCESS EXCLUSIVE lock", qname(op.Table), quoteIdent(op.Column))
			}
		}
	},
}

// DomainConstraint flags constraints on domains.
var DomainConstraint = &Rule{
	Name:     "domain-constraint",
	Severity: Warning,
	Category: Locking,
	Summary:  "a CHECK on a domain is validated against every column of that domain, under locks, and cannot be staged",
	Doc:      `ALTER DOMAIN ... ADD CONSTRAINT checks every column of every table that uses the domain while locking them, and a CREATE DOMAIN with a CHECK makes every later change to that rule such an operation. Unlike table constraints, domain constraints cannot be staged with NOT VALID plus a cheap VALIDATE in all versions, and the tables affected are not visible in the migration. Prefer table CHECK constraints, which can be added NOT VALID and validated without blocking.`,
	Bad:      "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');",
	Good:     "ALTER TABLE users ADD CONSTRAINT users_email_has_at CHECK (email LIKE '%@%') NOT VALID;",
	Steps:    []string{"Use table CHECK constraints: ADD ... NOT VALID, then VALIDATE CONSTRAINT separately."},
	Run: func(p *Pass) {
		for _, op := range p.Ops(ops.CreateDomain, ops.AlterDomain) {
			if op.Constraint == nil {
				continue
			}
			if op.Kind == ops.CreateDomain {
				p.Reportf(op.Span, "use a CHECK constraint on the table instead", "domain %s has a CHECK constraint; changing it later locks and scans every table that uses the domain", qname(op.Object))
				continue
			}
			if op.Constraint.NotValid {
				continue
			}
			p.Reportf(op.Span, "add it NOT VALID and VALIDATE it separately, or use table CHECK constraints", "ALTER DOMAIN %s ADD CONSTRAINT checks every column of that domain in every table while locking them", qname(op.Object))
		}
	},
}

func init() {
	Register(ConstraintMissingNotValid, UniqueConstraintWithoutIndex, PrimaryKeyWithoutIndex, AddExclusionConstraint, SetNotNullWithoutCheck, DomainConstraint)
}
