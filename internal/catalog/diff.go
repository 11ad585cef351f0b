package catalog

import (
	"slices"
	"sort"

	"github.com/schemagate/schemagate/internal/ops"
)

// Diff returns the operations that turn schema a into schema b, for
// projects whose only record of a schema change is their schema dump.
// Removals carry spans in a's file, additions and changes spans in b's.
// A column dropped and another of the same type added in one table is
// reported as a rename, which is what it most often is.
func Diff(a, b *Catalog) (added, removed []ops.Op) {
	for _, key := range a.TableNames() {
		ta := a.Tables[key]
		tb := b.Tables[key]
		if tb == nil {
			drop, _ := relationOps(ta.Kind)
			removed = append(removed, ops.Op{Kind: drop, Table: ta.Name, Span: ta.Origin.Span, Lock: ops.AccessExclusive})
			continue
		}
		add, rem := diffTable(ta, tb)
		added = append(added, add...)
		removed = append(removed, rem...)
	}
	for _, key := range b.TableNames() {
		if a.Tables[key] == nil {
			tb := b.Tables[key]
			_, create := relationOps(tb.Kind)
			op := ops.Op{Kind: create, Table: tb.Name, Span: tb.Origin.Span}
			for _, c := range tb.Columns {
				op.Columns = append(op.Columns, ops.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull})
			}
			added = append(added, op)
		}
	}
	for _, key := range sortedKeys(a.Objects) {
		oa, ob := a.Objects[key], b.Objects[key]
		switch {
		case ob == nil && (oa.Kind == "function" || oa.Kind == "enum" || oa.Kind == "type" || oa.Kind == "domain"):
			kind := ops.DropType
			if oa.Kind == "function" {
				kind = ops.DropFunction
			}
			removed = append(removed, ops.Op{Kind: kind, Object: oa.Name, Span: oa.Origin.Span, Detail: oa.Kind})
		case ob != nil && oa.Kind == "enum":
			for _, v := range oa.Values {
				if !slices.Contains(ob.Values, v) {
					removed = append(removed, ops.Op{Kind: ops.Other, Object: oa.Name, Value: v, Span: oa.Origin.Span, Detail: "drop enum value"})
				}
			}
		}
	}
	return added, removed
}

func diffTable(ta, tb *Table) (added, removed []ops.Op) {
	var dropped, created []*Column
	for _, ca := range ta.Columns {
		if tb.Column(ca.Name) == nil {
			dropped = append(dropped, ca)
		}
	}
	for _, cb := range tb.Columns {
		ca := ta.Column(cb.Name)
		if ca == nil {
			created = append(created, cb)
			continue
		}
		at := ops.Op{Table: tb.Name, Column: cb.Name, Span: cb.Origin.Span}
		if ca.Type.String() != cb.Type.String() {
			op := at
			op.Kind, op.Type = ops.AlterColumnType, &ops.Type{Name: cb.Type.Name, Mods: cb.Type.Mods, Array: cb.Type.Array}
			op.Detail = "from " + ca.Type.String()
			added = append(added, op)
		}
		if !ca.NotNull && cb.NotNull {
			op := at
			op.Kind = ops.SetNotNull
			added = append(added, op)
		}
		if ca.NotNull && !cb.NotNull {
			op := at
			op.Kind = ops.DropNotNull
			added = append(added, op)
		}
		if ca.HasDefault && !cb.HasDefault {
			op := at
			op.Kind = ops.DropDefault
			added = append(added, op)
		}
	}
	// Pair a dropped and an added column of the same type as a rename.
	for _, d := range dropped {
		renamed := false
		for i, c := range created {
			if c != nil && c.Type.String() == d.Type.String() && len(dropped) == 1 {
				added = append(added, ops.Op{Kind: ops.RenameColumn, Table: tb.Name, Column: d.Name, NewName: c.Name, Span: c.Origin.Span, Detail: "dump diff"})
				created[i] = nil
				renamed = true
				break
			}
		}
		if !renamed {
			removed = append(removed, ops.Op{Kind: ops.DropColumn, Table: ta.Name, Column: d.Name, Span: d.Origin.Span})
		}
	}
	for _, c := range created {
		if c == nil {
			continue
		}
		col := ops.Column{Name: c.Name, Type: c.Type, NotNull: c.NotNull}
		if c.HasDefault {
			col.Default = &ops.Expr{Text: c.Default}
		}
		added = append(added, ops.Op{Kind: ops.AddColumn, Table: tb.Name, Column: c.Name, ColumnDef: &col, Span: c.Origin.Span})
	}
	return added, removed
}

// relationOps are the operations that drop and create a relation of
// the kind (a table when the kind is none of the others).
func relationOps(kind string) (drop, create ops.Kind) {
	switch kind {
	case "view":
		return ops.DropView, ops.CreateView
	case "materialized-view":
		return ops.DropMatView, ops.CreateMatView
	case "sequence":
		return ops.DropSequence, ops.CreateSequence
	}
	return ops.DropTable, ops.CreateTable
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
