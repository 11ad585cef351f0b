package rules

import (
	"fmt"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// Schema answers questions about the database as it was before the
// migration being checked. Lint builds it by replaying the migrations it
// reads together; check from the previous release's catalog. It may be
// nil, and then rules assume the least they can.
type Schema interface {
	// TableExisted reports whether the table existed before the pending
	// migrations (in the deployed database); tables created by a pending
	// migration are new and safe to change.
	TableExisted(table ops.Name) bool
	// ColumnType returns the type of a column before this migration.
	ColumnType(table ops.Name, column string) (ops.Type, bool)
	// HasValidNotNullCheck reports whether a validated CHECK (col IS NOT
	// NULL) constraint on the column exists before this migration.
	HasValidNotNullCheck(table ops.Name, column string) bool
	// HasNotNullCheck reports whether the column is NOT NULL or has a
	// CHECK (col IS NOT NULL), validated or not (NOT VALID still checks
	// new rows), before this migration.
	HasNotNullCheck(table ops.Name, column string) bool
	// HasDefault reports whether the column has a default (other than
	// NULL) before this migration.
	HasDefault(table ops.Name, column string) bool
	// IndexTable returns the table an index is on, when known.
	IndexTable(index ops.Name) (ops.Name, bool)
	// ColumnIsNew reports whether the column was added by a pending
	// migration, so the deployed release never saw it.
	ColumnIsNew(table ops.Name, column string) bool
	// EnumLabels returns the labels of an enum type (a column type's
	// name, maybe schema-qualified), or false when it is no known enum.
	EnumLabels(typeName string) ([]string, bool)
	// HasConstraintLike reports whether the table has, before this
	// migration, constraints that reject every write k rejects: a UNIQUE
	// or PRIMARY KEY on a UNIQUE's columns or some of them, a FOREIGN KEY from the same columns to the
	// same table. (Django drops and re-adds a field's foreign key and
	// unique constraint whenever it alters the field.)
	HasConstraintLike(table ops.Name, k *ops.Constraint) bool
}

// Pass is one rule's run over one migration.
type Pass struct {
	Rule *Rule
	// Migration is the migration checked: its statements (SQL) or its
	// translated calls (Framework), its operations and its tool.
	Migration *migration.Migration
	PGVersion int
	// Schema is the state before this migration; nil when unknown.
	Schema Schema
	// Compat answers what the releases that may still run reference;
	// nil for lint, which then reports compatibility operations as
	// warnings to verify with check.
	Compat Compat

	report func(Finding)
}

// NewPass is used by the engine to run a rule.
func NewPass(r *Rule, m *migration.Migration, pgVersion int, schema Schema, compat Compat, report func(Finding)) *Pass {
	return &Pass{Rule: r, Migration: m, PGVersion: pgVersion, Schema: schema, Compat: compat, report: report}
}

// Run runs the pass's rule on its migration: its Run, or its Op on each
// operation of its Kinds that the running release can be hurt by. A
// CheckOnly rule says nothing without the running release's references
// (a lint), so its checks may use Compat without a nil test.
func (p *Pass) Run() {
	r := p.Rule
	if r.CheckOnly && p.Compat == nil {
		return
	}
	switch {
	case r.Run != nil:
		r.Run(p)
	case r.Op != nil:
		for _, op := range p.Ops(r.Kinds...) {
			if p.IsNew(op) || (r.KnownColumns && p.columnIsNew(op)) {
				continue
			}
			r.Op(p, op)
		}
	}
}

// Ops returns the migration's operations of the given kinds (all when
// none are given).
func (p *Pass) Ops(kinds ...ops.Kind) []*ops.Op {
	var out []*ops.Op
	for i := range p.Migration.Ops {
		op := &p.Migration.Ops[i]
		if len(kinds) == 0 {
			out = append(out, op)
			continue
		}
		for _, k := range kinds {
			if op.Kind == k {
				out = append(out, op)
				break
			}
		}
	}
	return out
}

// IsNew reports whether the operation's table is new: created earlier in
// this migration, or by a pending migration the deployed release never
// ran. Locks and rewrites on new tables hurt nobody.
func (p *Pass) IsNew(op *ops.Op) bool {
	if op.NewTable || op.Kind == ops.CreateTable || op.Kind == ops.CreateMatView {
		return true // (the CREATE itself: it locks a table no one can use yet)
	}
	if p.Schema != nil && op.Table.Name != "" {
		return !p.Schema.TableExisted(op.Table)
	}
	return false
}

// columnIsNew reports whether the operation's column was added by a
// pending migration: the deployed release never saw it.
func (p *Pass) columnIsNew(op *ops.Op) bool {
	return p.Schema != nil && op.Column != "" && p.Schema.ColumnIsNew(op.Table, op.Column)
}

// Report records a finding for the pass's rule at span.
func (p *Pass) Report(span source.Span, message, hint string) *Finding {
	f := Finding{
		Rule:     p.Rule.Name,
		Severity: p.Rule.Severity,
		Category: p.Rule.Category,
		File:     p.Migration.Path,
		Span:     span,
		Message:  message,
		Hint:     hint,
	}
	p.report(f)
	return &f
}

// Reportf records a finding with a formatted message.
func (p *Pass) Reportf(span source.Span, hint, format string, args ...any) {
	p.Report(span, fmt.Sprintf(format, args...), hint)
}

// ReportFinding records a fully built finding (evidence, fixes); rule,
// file and defaults are filled in.
func (p *Pass) ReportFinding(f Finding) {
	f.Rule = p.Rule.Name
	if f.Severity == Off {
		f.Severity = p.Rule.Severity
	}
	f.Category = p.Rule.Category
	f.File = p.Migration.Path
	p.report(f)
}
