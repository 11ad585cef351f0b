package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
)

// ConstraintMayRejectWrites flags constraints added to tables the running
// release writes.
var ConstraintMayRejectWrites = &Rule{
	Name:            "constraint-may-reject-writes",
	Severity:        Warning,
	Category:        Compatibility,
	NeedsReferences: true,
	CheckOnly:       true,
	Summary:         "a new constraint on a table the running release writes may reject its writes",
	Kinds:           []ops.Kind{ops.AddConstraint},
	Doc: `A new UNIQUE, CHECK, FOREIGN KEY or EXCLUSION constraint applies to the running release's INSERTs and UPDATEs at once. If that code can write values the constraint forbids (duplicates, orphans, out-of-range values), its requests start failing. Make sure the running release already writes only valid values (validate in the application first), then add the constraint.

The evidence is the places of the running release that write the constrained columns: an INSERT or UPDATE that names them, an ORM model that maps them. A UNIQUE or FOREIGN KEY that rejects nothing the table's constraints did not already reject is no finding: a UNIQUE on the columns of an existing UNIQUE or PRIMARY KEY, or on more columns than those, and a foreign key from the same columns to the same table (Django drops and re-adds a field's constraints whenever it alters the field; a unique constraint is often widened by a column). A CHECK (col IS NOT NULL) is a NOT NULL: not-null-breaks-inserts decides it, from whether the running release always writes the column. For any other CHECK, when the running release never writes the columns it reads (its models lack them, its INSERTs leave them out, no UPDATE sets them), the rows it inserts get NULL there, and a CHECK whose comparisons are all strict (col > 0, col IN (...), length(col) < 20, combined with AND, OR, NOT) accepts NULL: the finding is then only a hint, naming those inserts. When such a column has a default the rows get the default instead, which the CHECK must accept, and when the CHECK may turn NULL into false (IS [NOT] NULL, COALESCE, CASE, IS DISTINCT FROM, functions not known to be strict) it stays a warning.`,
	Bad:   "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key; -- the running release does not check for duplicates",
	Good:  "-- release N validates uniqueness in the app; release N+1 adds the constraint",
	Steps: []string{"Deploy code that only writes valid values.", "Clean up existing rows.", "Add the constraint (NOT VALID, then VALIDATE) in a later release."},
	Op: func(p *Pass, op *ops.Op) {
		k := op.Constraint
		if k == nil || k.Type == ops.PrimaryKey || k.Type == ops.NotNull || k.NotNullColumn != "" {
			return // CHECK (col IS NOT NULL): not-null-breaks-inserts
		}
		if p.Schema != nil && p.Schema.HasConstraintLike(op.Table, k) {
			return // re-added as it was: the running release's writes already pass it
		}
		cols := k.Columns
		if len(cols) == 0 && k.Type == ops.Check {
			cols = k.ExprColumns
		}
		uses := columnWriters(p, op.Table, cols)
		if len(cols) == 0 {
			for _, u := range p.Compat.Inserters(op.Table, "") {
				u.Certain = false
				uses = append(uses, u)
			}
		}
		if len(uses) == 0 && k.Type == ops.Check && len(cols) > 0 {
			checkOmitted(p, op, cols)
			return
		}
		p.reportUses(op, uses,
			fmt.Sprintf("the new %s constraint on %s applies to the running release's writes at once (%s)", k.Type, qname(op.Table), usesSummary(uses)),
			"make sure the running release only writes values the constraint accepts")
	},
}

// columnWriters returns the places of the running releases that write
// any of cols: INSERTs and UPDATEs that name them, models that map them
// (at the line that defines the column, when known). Each is uncertain:
// whether its values pass is unknown.
func columnWriters(p *Pass, table ops.Name, cols []string) []Use {
	var uses []Use
	seen := map[string]bool{}
	for _, c := range cols {
		for _, u := range p.Compat.ColumnUses(table, c) {
			if !u.Insert && u.Usage != "update" {
				continue
			}
			key := fmt.Sprintf("%s:%s:%d", u.Release, u.Evidence.File, u.Evidence.Line)
			if !seen[key] {
				seen[key] = true
				u.Certain = false
				if u.Defined.Line > 0 {
					u.Evidence = u.Defined // the model's line for the column
				}
				uses = append(uses, u)
			}
		}
	}
	return uses
}

// checkOmitted reports a CHECK on columns the running release never
// writes, at the inserts that leave them out: a hint when those rows get
// NULL and the CHECK accepts NULL, a warning when they get a default the
// CHECK must accept or the CHECK may reject NULL.
func checkOmitted(p *Pass, op *ops.Op, cols []string) {
	var uses []Use
	for _, u := range p.Compat.Inserters(op.Table, cols[0]) {
		if slices.ContainsFunc(cols, func(c string) bool { return containsFold(u.InsertColumns, c) }) {
			continue
		}
		u.Certain = false
		uses = append(uses, u)
	}
	if len(uses) == 0 {
		return
	}
	var defaulted []string
	for _, c := range cols {
		if p.Schema == nil || defaultedAfter(p, op.Table, c) {
			defaulted = append(defaulted, c)
		}
	}
	k := op.Constraint
	names := strings.Join(cols, ", ")
	sev, why := Warning, ""
	switch {
	case len(defaulted) > 0:
		why = fmt.Sprintf("they get the default of %s, which the CHECK must accept", strings.Join(defaulted, ", "))
	case !k.PassesNull:
		why = "they get NULL, which this CHECK may reject"
	default:
		sev, why = Hint, "they get NULL, which the CHECK accepts"
	}
	p.reportUsesSeverity(op, uses, sev,
		fmt.Sprintf("the new CHECK on %s applies to the running release's inserts at once; it never writes %s (%s): %s", qname(op.Table), names, insertSummary(uses), why),
		"make sure the rows the running release inserts pass the CHECK")
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
