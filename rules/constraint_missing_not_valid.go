package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/ops"
)

// ConstraintMissingNotValid flags CHECK and FOREIGN KEY constraints added
// to existing tables without NOT VALID.
var ConstraintMissingNotValid = &Rule{
	Name:     "constraint-missing-not-valid",
	Severity: Warning,
	Category: Locking,
	Summary:  "adding a CHECK or FOREIGN KEY constraint without NOT VALID (or a column with REFERENCES) scans the table under a blocking lock",
	Doc:      `ALTER TABLE ... ADD CONSTRAINT checks every existing row while holding its lock: ACCESS EXCLUSIVE for a CHECK (no reads, no writes), SHARE ROW EXCLUSIVE on both tables for a FOREIGN KEY (no writes). ADD COLUMN ... REFERENCES is a foreign key too: PostgreSQL validates it by reading every row of the table, under the ACCESS EXCLUSIVE lock of the ADD COLUMN, while the referenced table takes no writes; a column constraint cannot be NOT VALID, so add the column first and the foreign key separately. Add it NOT VALID (new rows are checked at once, the old ones are not scanned), then VALIDATE CONSTRAINT in a separate transaction: validation takes only SHARE UPDATE EXCLUSIVE, so the running release keeps reading and writing. Validating in the same transaction as the ADD gains nothing, because the ADD's lock is held until commit.`,
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
			if k == nil || (k.Type != ops.Check && k.Type != ops.ForeignKey) {
				continue
			}
			if op.Detail == "inline" {
				if k.Type == ops.ForeignKey && !k.NotValid && !p.IsNew(op) {
					reportInlineReference(p, op, k)
				}
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

// reportInlineReference reports ADD COLUMN ... REFERENCES: a foreign key
// written in the column's definition, validated at once and never NOT
// VALID.
func reportInlineReference(p *Pass, op *ops.Op, k *ops.Constraint) {
	col, ref := "", "..."
	if len(k.Columns) > 0 {
		col = k.Columns[0]
	}
	if k.RefTable != nil {
		ref = qname(*k.RefTable)
	}
	p.Reportf(op.Span, hintIn(p.Migration.Format,
		fmt.Sprintf("add the column without REFERENCES, then ALTER TABLE %s ADD CONSTRAINT ... FOREIGN KEY (%s) REFERENCES %s NOT VALID; and VALIDATE CONSTRAINT in a separate transaction", qname(op.Table), quoteIdent(col), ref),
		"add_reference ..., foreign_key: { validate: false } (or add_foreign_key ..., validate: false); then validate_foreign_key in a later migration",
		"add the field with db_constraint=False; then add the foreign key NOT VALID and VALIDATE CONSTRAINT in later migrations with migrations.RunSQL (in SeparateDatabaseAndState, with an AlterField to db_constraint=True as its state operation)",
		"add the column without the ForeignKey; then op.create_foreign_key(..., postgresql_not_valid=True) and VALIDATE CONSTRAINT in a later revision"),
		"adding column %s with REFERENCES %s validates every row of %s under a SHARE ROW EXCLUSIVE lock on %s (no writes), while the ADD COLUMN holds ACCESS EXCLUSIVE on %s",
		quoteIdent(col), ref, qname(op.Table), ref, qname(op.Table))
}
