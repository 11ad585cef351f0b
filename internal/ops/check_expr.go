package ops

import (
	"slices"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// What a CHECK expression reads, and whether a row that leaves those
// columns NULL passes it. PostgreSQL rejects a row only when the CHECK
// is false: NULL passes. A strict comparison of a NULL column is NULL,
// and so is AND, OR or NOT over NULLs; an IS [NOT] NULL test, COALESCE,
// CASE, IS DISTINCT FROM or a function that is not known to be strict
// may turn NULL into false.

// exprColumns returns the columns an expression reads, in the order the
// text names them, once each.
func exprColumns(n *pg.Node) []string {
	type ref struct {
		at   int32
		name string
	}
	var refs []ref
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if cr, ok := m.Interface().(*pg.ColumnRef); ok {
			if len(cr.Fields) > 0 {
				if s := stringValue(cr.Fields[len(cr.Fields)-1]); s != "" {
					refs = append(refs, ref{cr.Location, s})
				}
			}
			return
		}
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.Kind() != protoreflect.MessageKind || fd.IsMap():
			case fd.IsList():
				l := v.List()
				for i := range l.Len() {
					walk(l.Get(i).Message())
				}
			default:
				walk(v.Message())
			}
			return true
		})
	}
	if n != nil {
		walk(n.ProtoReflect())
	}
	slices.SortStableFunc(refs, func(a, b ref) int { return int(a.at - b.at) })
	var out []string
	for _, r := range refs {
		if !slices.Contains(out, r.name) {
			out = append(out, r.name)
		}
	}
	return out
}

// strictFunctions return NULL for a NULL argument.
var strictFunctions = map[string]bool{
	"length": true, "char_length": true, "character_length": true, "octet_length": true, "bit_length": true,
	"lower": true, "upper": true, "btrim": true, "ltrim": true, "rtrim": true, "left": true, "right": true,
	"substr": true, "substring": true, "strpos": true, "position": true, "starts_with": true, "regexp_like": true,
	"abs": true, "floor": true, "ceil": true, "ceiling": true, "round": true, "trunc": true, "sign": true, "mod": true,
	"date_part": true, "date_trunc": true, "extract": true, "isfinite": true, "to_char": true,
	"jsonb_typeof": true, "json_typeof": true, "jsonb_array_length": true, "json_array_length": true,
	"array_length": true, "cardinality": true, "array_ndims": true,
}

// passesNull reports whether the expression is NULL (so the CHECK passes)
// when every column it reads is NULL.
func passesNull(n *pg.Node) bool {
	ok, reads := nullStrict(n)
	return ok && reads
}

// nullStrict reports whether n is NULL whenever a column it reads is
// NULL (ok), and whether it reads one.
func nullStrict(n *pg.Node) (ok, reads bool) {
	all := func(args []*pg.Node) (ok, reads bool) {
		ok = true
		for _, a := range args {
			o, r := nullStrict(a)
			ok, reads = ok && o, reads || r
		}
		return ok, reads
	}
	if n == nil {
		return true, false
	}
	switch x := n.Node.(type) {
	case *pg.Node_ColumnRef:
		return true, true
	case *pg.Node_AConst:
		return true, false
	case *pg.Node_TypeCast:
		return nullStrict(x.TypeCast.Arg)
	case *pg.Node_List:
		return all(x.List.Items)
	case *pg.Node_AArrayExpr:
		// ARRAY[a] is not NULL when a is: only constant arrays.
		ok, reads := all(x.AArrayExpr.Elements)
		return ok && !reads, false
	case *pg.Node_AExpr:
		switch x.AExpr.Kind {
		case pg.A_Expr_Kind_AEXPR_OP, pg.A_Expr_Kind_AEXPR_OP_ANY, pg.A_Expr_Kind_AEXPR_OP_ALL, pg.A_Expr_Kind_AEXPR_IN,
			pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE, pg.A_Expr_Kind_AEXPR_SIMILAR,
			pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN,
			pg.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
			return all([]*pg.Node{x.AExpr.Lexpr, x.AExpr.Rexpr})
		}
		return false, false
	case *pg.Node_BoolExpr:
		// AND, OR and NOT over NULLs are NULL; a branch that reads no
		// column (a constant false) could decide instead.
		for _, a := range x.BoolExpr.Args {
			if o, r := nullStrict(a); !o || !r {
				return false, false
			}
		}
		return true, true
	case *pg.Node_FuncCall:
		if !strictFunctions[strings.ToLower(lastName(x.FuncCall.Funcname))] || x.FuncCall.AggStar {
			return false, false
		}
		return all(x.FuncCall.Args)
	}
	return false, false
}
