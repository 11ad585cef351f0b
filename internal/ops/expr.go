package ops

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"
)

// stableFunctions are built-in functions that are not volatile: a
// default calling them is evaluated once when a column is added
// (PostgreSQL 11+), so the table is not rewritten. Anything else that is
// not a constant is treated as volatile, as CREATE FUNCTION's default is.
var stableFunctions = map[string]bool{
	"now": true, "transaction_timestamp": true, "statement_timestamp": true,
	"current_setting": true, "to_char": true, "to_timestamp": true, "to_date": true,
	"lower": true, "upper": true, "length": true, "coalesce": true, "concat": true,
	"jsonb_build_object": true, "json_build_object": true, "jsonb_build_array": true,
	"json_build_array": true, "array": true, "make_interval": true, "make_date": true,
	"date_trunc": true, "abs": true, "round": true, "greatest": true, "least": true,
	"nullif": true, "md5": true, "replace": true, "substring": true, "trim": true,
	"current_user": true, "current_database": true, "current_schema": true,
}

// volatileFunctions are named explicitly for messages; any unknown
// function is volatile too.
var volatileFunctions = map[string]bool{
	"random": true, "gen_random_uuid": true, "uuid_generate_v1": true, "uuid_generate_v1mc": true,
	"uuid_generate_v4": true, "clock_timestamp": true, "timeofday": true, "nextval": true,
	"setval": true, "gen_random_bytes": true, "txid_current": true, "uuidv7": true,
}

// newExpr classifies an expression by volatility.
func newExpr(n *pg.Node) *Expr {
	if n == nil {
		return nil
	}
	e := &Expr{Node: n, Volatility: volatility(n)}
	if c := n.GetAConst(); c != nil && c.Isnull {
		e.Null = true
	}
	return e
}

func volatility(n *pg.Node) Volatility {
	var w volatilityWalk
	w.walk(n)
	return w.v
}

// volatilityWalk raises v to the most volatile part of the expressions
// it walks. A method, not a closure: the argument lists of a recursive
// closure escape to the heap at every call.
type volatilityWalk struct{ v Volatility }

func (w *volatilityWalk) walk(ns ...*pg.Node) {
	for _, n := range ns {
		if n == nil || w.v == Volatile {
			continue
		}
		switch x := n.Node.(type) {
		case *pg.Node_AConst, *pg.Node_ParamRef:
		case *pg.Node_TypeCast:
			w.walk(x.TypeCast.Arg)
		case *pg.Node_SqlvalueFunction:
			// CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP, CURRENT_USER...
			w.v = max(w.v, Stable)
		case *pg.Node_FuncCall:
			name := strings.ToLower(lastName(x.FuncCall.Funcname))
			switch {
			case volatileFunctions[name]:
				w.v = Volatile
			case stableFunctions[name]:
				w.v = max(w.v, Stable)
				w.walk(x.FuncCall.Args...)
			default:
				w.v = Volatile
			}
		case *pg.Node_AExpr:
			w.walk(x.AExpr.Lexpr, x.AExpr.Rexpr)
		case *pg.Node_BoolExpr:
			w.walk(x.BoolExpr.Args...)
		case *pg.Node_AArrayExpr:
			w.walk(x.AArrayExpr.Elements...)
		case *pg.Node_CoalesceExpr:
			w.walk(x.CoalesceExpr.Args...)
		case *pg.Node_CaseExpr:
			w.walk(x.CaseExpr.Arg, x.CaseExpr.Defresult)
			w.walk(x.CaseExpr.Args...)
		case *pg.Node_CaseWhen:
			w.walk(x.CaseWhen.Expr, x.CaseWhen.Result)
		case *pg.Node_List:
			w.walk(x.List.Items...)
		case *pg.Node_NullTest:
			w.walk(x.NullTest.Arg)
		default:
			// Subqueries, column references and anything unusual: be
			// conservative.
			w.v = Volatile
		}
	}
}

func lastName(nodes []*pg.Node) string {
	if len(nodes) == 0 {
		return ""
	}
	return stringValue(nodes[len(nodes)-1])
}

// SQL returns the expression's text, deparsing it on first use: most
// defaults are never shown, and deparsing each one costs a round trip
// through the C parser.
func (e *Expr) SQL() string {
	if e == nil {
		return ""
	}
	if e.Text == "" && e.Node != nil {
		e.Text = Deparse(e.Node)
	}
	return e.Text
}
