package ops

import (
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v5"
)

// A statement that names one column twice where PostgreSQL wants each
// once fails when it runs, whatever the schema. The names compared are
// the parser's: unquoted identifiers folded to lower case and every
// identifier cut to 63 bytes, as PostgreSQL keeps them, so "a" and A
// are one column and "A" another.

// duplicate returns the error PostgreSQL raises for a column named twice
// in the statement, "" when there is none.
func duplicate(n *pg.Node) string {
	switch x := n.Node.(type) {
	case *pg.Node_InsertStmt:
		s := x.InsertStmt
		if d := twice(targetNames(s.Cols)); d != "" {
			return specifiedTwice(d)
		}
		if oc := s.OnConflictClause; oc != nil {
			return assignedTwice(oc.TargetList)
		}
	case *pg.Node_UpdateStmt:
		return assignedTwice(x.UpdateStmt.TargetList)
	case *pg.Node_MergeStmt:
		for _, w := range x.MergeStmt.MergeWhenClauses {
			mw := w.GetMergeWhenClause()
			if mw == nil {
				continue
			}
			switch mw.CommandType {
			case pg.CmdType_CMD_INSERT:
				if d := twice(targetNames(mw.TargetList)); d != "" {
					return specifiedTwice(d)
				}
			case pg.CmdType_CMD_UPDATE:
				if m := assignedTwice(mw.TargetList); m != "" {
					return m
				}
			}
		}
	case *pg.Node_AlterTableStmt:
		// ALTER TABLE t ADD a int, ADD a int: the second ADD finds the
		// first (IF NOT EXISTS skips it instead).
		var names []string
		for _, c := range x.AlterTableStmt.Cmds {
			ac := c.GetAlterTableCmd()
			if ac == nil || ac.Subtype != pg.AlterTableType_AT_AddColumn || ac.MissingOk {
				continue
			}
			names = append(names, ac.Def.GetColumnDef().GetColname())
		}
		if d := twice(names); d != "" {
			return fmt.Sprintf("column %q of relation %q already exists", d, x.AlterTableStmt.Relation.GetRelname())
		}
	case *pg.Node_CopyStmt:
		return specifiedTwice(twice(stringList(x.CopyStmt.Attlist)))
	case *pg.Node_CreateStmt:
		var names []string
		for _, e := range x.CreateStmt.TableElts {
			if d := e.GetColumnDef(); d != nil {
				names = append(names, d.Colname)
			}
		}
		return specifiedTwice(twice(names))
	case *pg.Node_ViewStmt:
		s := x.ViewStmt
		return specifiedTwice(twice(outputNames(stringList(s.Aliases), s.Query)))
	case *pg.Node_CreateTableAsStmt:
		s := x.CreateTableAsStmt
		if s.Into == nil {
			return ""
		}
		return specifiedTwice(twice(outputNames(stringList(s.Into.ColNames), s.Query)))
	case *pg.Node_SelectStmt:
		if into := x.SelectStmt.IntoClause; into != nil {
			return specifiedTwice(twice(outputNames(stringList(into.ColNames), n)))
		}
	}
	return ""
}

func specifiedTwice(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf("column %q specified more than once", name)
}

// assignedTwice checks SET lists: a = 1, a = 2 is rejected; a[1] = 1,
// a[2] = 2 (or fields of a composite) assign parts of one column and are
// not.
func assignedTwice(targets []*pg.Node) string {
	var plain []string
	for _, t := range targets {
		rt := t.GetResTarget()
		if rt == nil || len(rt.Indirection) > 0 {
			continue
		}
		plain = append(plain, rt.Name)
	}
	if d := twice(plain); d != "" {
		return fmt.Sprintf("multiple assignments to same column %q", d)
	}
	return ""
}

// targetNames are the plain column names of an INSERT column list.
func targetNames(targets []*pg.Node) []string {
	var out []string
	for _, t := range targets {
		if rt := t.GetResTarget(); rt != nil && len(rt.Indirection) == 0 {
			out = append(out, rt.Name)
		}
	}
	return out
}

// twice returns the first name that appears twice; "" stands for a name
// that is not known and matches nothing.
func twice(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" {
			continue
		}
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

// outputNames are the column names a query gives a view or a new table:
// the aliases written first, then the names of the query's output
// columns. A * makes the names unknowable here: none are returned.
func outputNames(aliases []string, query *pg.Node) []string {
	s := query.GetSelectStmt()
	for s != nil && s.Op != pg.SetOperation_SETOP_NONE {
		s = s.Larg // a set operation's columns are named by its first query
	}
	if s == nil || len(s.ValuesLists) > 0 {
		return nil
	}
	out := append([]string(nil), aliases...)
	for i, t := range s.TargetList {
		rt := t.GetResTarget()
		if rt == nil {
			return nil
		}
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			return nil
		}
		if i < len(aliases) {
			continue
		}
		name := rt.Name
		if name == "" {
			name = figureColname(rt.Val)
		}
		out = append(out, name)
	}
	return out
}

// figureColname names an output column without an alias as PostgreSQL's
// FigureColname does, for the common expressions; "" when this does not
// know.
func figureColname(n *pg.Node) string {
	name, _ := figure(n)
	return name
}

// figure is FigureColnameInternal: a name and how strongly the
// expression suggests it (2 a column or function name, 1 a type or a
// keyword, 0 none: "?column?").
func figure(n *pg.Node) (string, int) {
	if n == nil {
		return "", 0
	}
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		f := x.ColumnRef.Fields
		return f[len(f)-1].GetString_().GetSval(), 2
	case *pg.Node_FuncCall:
		return lastName(x.FuncCall.Funcname), 2
	case *pg.Node_TypeCast:
		name, strength := figure(x.TypeCast.Arg)
		if strength <= 1 && name != "" {
			if tn := x.TypeCast.TypeName; tn != nil && len(tn.Names) > 0 {
				return lastName(tn.Names), 1
			}
		}
		return name, strength
	case *pg.Node_CaseExpr:
		name, strength := figure(x.CaseExpr.Defresult)
		if x.CaseExpr.Defresult != nil && name == "" {
			return "", 0
		}
		if strength <= 1 {
			return "case", 1
		}
		return name, strength
	case *pg.Node_CoalesceExpr:
		return "coalesce", 2
	case *pg.Node_AExpr:
		if x.AExpr.Kind == pg.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif", 2
		}
		return "?column?", 0
	case *pg.Node_AConst, *pg.Node_BoolExpr, *pg.Node_NullTest, *pg.Node_BooleanTest, *pg.Node_ParamRef:
		return "?column?", 0
	}
	return "", 0
}
