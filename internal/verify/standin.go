package verify

import (
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/ops"
)

// standIns are the tables the previous release's migrations refer to
// with foreign keys but never create: django.contrib's (auth_group for a
// custom user model), which Django's own migrations create before the
// project's. Each stands in with just the key referred to, typed like the
// referring column, so that the migrations referring to it replay. It
// returns the statements and the tables' names.
func standIns(static *check.Result, skip map[string]bool) (stmts, names []string) {
	framework := false
	for _, m := range static.Previous {
		framework = framework || m.Format.IsFramework()
	}
	if !framework {
		return nil, nil
	}
	created := map[string]bool{}
	types := map[string]ops.Type{} // table key + "." + column
	type ref struct {
		table ops.Name
		cols  []string
		types []ops.Type
	}
	var refs []ref
	var order []string
	byKey := map[string]*ref{}
	addRef := func(k ops.Constraint, from ops.Name) {
		if k.Type != ops.ForeignKey || k.RefTable == nil {
			return
		}
		cols := k.RefColumns
		if len(cols) == 0 {
			cols = []string{"id"}
		}
		key := k.RefTable.Key()
		r := byKey[key]
		if r == nil {
			refs = append(refs, ref{table: *k.RefTable})
			r = &refs[len(refs)-1]
			order = append(order, key)
		}
		for i, c := range cols {
			if slices.Contains(r.cols, c) {
				continue
			}
			typ := ops.Type{Name: "bigint"}
			if i < len(k.Columns) {
				if t, ok := types[from.Key()+"."+k.Columns[i]]; ok {
					typ = t
				}
			}
			r.cols, r.types = append(r.cols, c), append(r.types, typ)
		}
		byKey[key] = r
	}
	for _, m := range static.Previous {
		if m.Down || skip[check.Key(m)] {
			continue
		}
		var list []ops.Op
		framework := m.Framework
		if framework {
			list = m.Ops
		} else {
			if len(m.Statements) > 0 && m.Statements[0].Node == nil {
				m.Parse() // check let the parse trees go
			}
			list = ops.FromStatements(m.Statements, ops.Options{})
		}
		// Only a framework's apps refer to tables the framework makes.
		refer := addRef
		if !framework {
			refer = func(ops.Constraint, ops.Name) {}
		}
		for _, op := range list {
			switch op.Kind {
			case ops.CreateTable:
				created[op.Table.Key()] = true
				for _, c := range op.Columns {
					types[op.Table.Key()+"."+c.Name] = c.Type
				}
				for _, k := range op.Constraints {
					refer(k, op.Table)
				}
			case ops.RenameTable:
				created[ops.Name{Schema: op.Table.Schema, Name: op.NewName}.Key()] = true
			case ops.AddColumn:
				if op.ColumnDef != nil {
					types[op.Table.Key()+"."+op.Column] = op.ColumnDef.Type
				}
			case ops.AddConstraint:
				if op.Constraint != nil {
					refer(*op.Constraint, op.Table)
				}
			}
		}
	}
	for _, key := range order {
		r := byKey[key]
		if created[key] {
			continue
		}
		cols := make([]string, len(r.cols))
		for i, c := range r.cols {
			cols[i] = pgx.Identifier{c}.Sanitize() + " " + keyType(r.types[i])
		}
		name := pgx.Identifier{r.table.Name}
		if r.table.Schema != "" {
			name = pgx.Identifier{r.table.Schema, r.table.Name}
			stmts = append(stmts, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{r.table.Schema}.Sanitize())
		}
		quoted := make([]string, len(r.cols))
		for i, c := range r.cols {
			quoted[i] = pgx.Identifier{c}.Sanitize()
		}
		stmts = append(stmts, "CREATE TABLE IF NOT EXISTS "+name.Sanitize()+" ("+strings.Join(cols, ", ")+", PRIMARY KEY ("+strings.Join(quoted, ", ")+"))")
		names = append(names, r.table.String())
	}
	return stmts, names
}

// keyType is the type of a referred-to key column: that of the column
// referring to it, without the sequence a serial one has.
func keyType(t ops.Type) string {
	switch t.Name {
	case "serial":
		return "integer"
	case "bigserial":
		return "bigint"
	case "smallserial":
		return "smallint"
	}
	return t.String()
}
