package sqlref

import (
	"strings"
	"sync"

	pg "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// relKind says what a FROM item is.
type relKind uint8

const (
	relTable   relKind = iota // a table or view: its columns are unknown, any name may be one
	relDerived                // a CTE, subquery or aliased join: its columns are what its query yields
	relOpaque                 // a function or VALUES: its columns come from no table
)

// rel is one relation a query can name: a FROM item, an UPDATE target,
// EXCLUDED.
type rel struct {
	name          string // how the query names it: its alias or its table name
	kind          relKind
	schema, table string   // relTable
	cols          []outCol // relDerived, relOpaque: the output columns known by name
	colsKnown     bool     // relOpaque: cols is complete
	stars         []*rel   // relDerived: relations whose every column passes through (SELECT *)
	qualOnly      bool     // reachable only when qualified by name (EXCLUDED)
	aliased       bool     // named by an alias of the query's own choosing
}

// outCol is an output column of a derived relation and the table columns
// it passes through unchanged.
type outCol struct {
	name string
	srcs []src
}

type src struct {
	schema, table, column string
	cert                  refs.Certainty
}

func (r *rel) col(name string) *outCol {
	for i := range r.cols {
		if r.cols[i].name == name {
			return &r.cols[i]
		}
	}
	return nil
}

// scope is one query level: the relations its FROM makes visible, the
// enclosing level for correlated references, and the CTEs in reach.
type scope struct {
	parent *scope
	rels   []*rel
	env    *cteEnv
	noStar bool // a * here reads nothing: EXISTS (SELECT * ...)
}

type cteEnv struct {
	name  string
	rel   *rel
	outer *cteEnv
}

func (e *cteEnv) lookup(name string) *rel {
	for ; e != nil; e = e.outer {
		if e.name == name {
			return e.rel
		}
	}
	return nil
}

// recursiveCTE lets the second arm of WITH RECURSIVE see the columns of
// the first.
type recursiveCTE struct {
	body     *pg.SelectStmt
	rel      *rel
	colnames []string
}

type resolver struct {
	text      string
	toks      []*pg.ScanToken
	scanned   bool
	out       []refs.Reference
	recursive *recursiveCTE
}

// maxDepth bounds walks through derived relations, which cannot nest
// deeper than the query text but may, for a recursive CTE, refer to
// themselves.
const maxDepth = 64

func (r *resolver) emit(schema, table, column string, u refs.Usage, c refs.Certainty, off int) {
	r.out = append(r.out, refs.Reference{Schema: schema, Table: table, Column: column, Usage: u, Certainty: c, Offset: off})
}

// query resolves a statement or query expression at the level below
// parent and returns the relation it yields (its output columns).
func (r *resolver) query(m proto.Message, parent *scope, env *cteEnv) *rel {
	switch x := m.(type) {
	case *pg.Node:
		if x == nil || x.Node == nil {
			return &rel{kind: relDerived}
		}
		return r.query(inner(x), parent, env)
	case *pg.SelectStmt:
		return r.selectStmt(x, parent, env, false)
	case *pg.InsertStmt:
		return r.insertStmt(x, parent, env)
	case *pg.UpdateStmt:
		return r.updateStmt(x, parent, env)
	case *pg.DeleteStmt:
		return r.deleteStmt(x, parent, env)
	case *pg.MergeStmt:
		r.mergeStmt(x, parent, env)
	case *pg.ExplainStmt:
		return r.query(x.Query, parent, env)
	case *pg.CreateTableAsStmt:
		return r.query(x.Query, parent, env)
	case *pg.ViewStmt:
		return r.query(x.Query, parent, env)
	case *pg.PrepareStmt:
		return r.query(x.Query, parent, env)
	case *pg.DeclareCursorStmt:
		return r.query(x.Query, parent, env)
	case *pg.CopyStmt:
		r.copyStmt(x, parent, env)
	case *pg.CallStmt:
		if x.Funccall != nil {
			r.funcCall(x.Funccall, &scope{parent: parent, env: env})
		}
	}
	return &rel{kind: relDerived}
}

func (r *resolver) selectStmt(s *pg.SelectStmt, parent *scope, env *cteEnv, noStar bool) *rel {
	if s == nil {
		return &rel{kind: relDerived}
	}
	env = r.with(s.WithClause, parent, env)
	if s.Larg != nil && s.Rarg != nil {
		left := r.selectStmt(s.Larg, parent, env, noStar)
		if rc := r.recursive; rc != nil && rc.body == s {
			rc.rel.cols, rc.rel.stars = left.cols, left.stars
			renameCols(rc.rel, rc.colnames)
			r.recursive = nil
		}
		right := r.selectStmt(s.Rarg, parent, env, noStar)
		// ORDER BY of a set operation can only name output columns.
		sc := &scope{parent: parent, env: env}
		r.expr(s.LimitCount, sc)
		r.expr(s.LimitOffset, sc)
		return mergeSetOp(left, right)
	}
	sc := &scope{parent: parent, env: env, noStar: noStar}
	if len(s.ValuesLists) > 0 {
		out := &rel{kind: relOpaque, colsKnown: true}
		for i, row := range s.ValuesLists {
			r.expr(row, sc)
			if i == 0 {
				if l := row.GetList(); l != nil {
					for j := range l.Items {
						out.cols = append(out.cols, outCol{name: "column" + itoa(j+1)})
					}
				}
			}
		}
		return out
	}
	r.from(s.FromClause, sc)
	out := r.targets(s.TargetList, sc)
	aliases := map[string]bool{}
	for _, t := range s.TargetList {
		if rt := t.GetResTarget(); rt != nil && rt.Name != "" {
			aliases[rt.Name] = true
		}
	}
	r.expr(s.WhereClause, sc)
	r.outputNameList(s.GroupClause, sc, aliases)
	r.expr(s.HavingClause, sc)
	r.outputNameList(s.DistinctClause, sc, aliases)
	for _, n := range s.SortClause {
		if sb := n.GetSortBy(); sb != nil {
			r.outputNameList([]*pg.Node{sb.Node}, sc, aliases)
			continue
		}
		r.expr(n, sc)
	}
	for _, n := range s.WindowClause {
		r.expr(n, sc)
	}
	r.expr(s.LimitCount, sc)
	r.expr(s.LimitOffset, sc)
	return out
}

// outputNameList resolves GROUP BY, ORDER BY and DISTINCT ON items, where
// a bare name may be an output column rather than a table column.
func (r *resolver) outputNameList(items []*pg.Node, sc *scope, aliases map[string]bool) {
	for _, n := range items {
		if cr := n.GetColumnRef(); cr != nil && len(cr.Fields) == 1 {
			if name := cr.Fields[0].GetString_(); name != nil && aliases[name.Sval] {
				continue
			}
		}
		r.expr(n, sc)
	}
}

// targets resolves a SELECT or RETURNING list and returns the relation it
// yields.
func (r *resolver) targets(list []*pg.Node, sc *scope) *rel {
	out := &rel{kind: relDerived}
	for _, t := range list {
		rt := t.GetResTarget()
		if rt == nil {
			r.expr(t, sc)
			continue
		}
		for _, n := range rt.Indirection {
			r.expr(n, sc)
		}
		val := stripCasts(rt.Val)
		cr := val.GetColumnRef()
		if cr == nil {
			r.expr(rt.Val, sc)
			out.cols = append(out.cols, outCol{name: colName(rt)})
			continue
		}
		if isStar(cr) {
			r.columnRef(cr, sc, refs.Select)
			out.stars = append(out.stars, r.starRels(cr, sc)...)
			continue
		}
		srcs := r.columnRef(cr, sc, refs.Select)
		out.cols = append(out.cols, outCol{name: colName(rt), srcs: srcs})
	}
	return out
}

// with resolves a WITH clause and returns the CTEs in reach after it.
func (r *resolver) with(w *pg.WithClause, parent *scope, env *cteEnv) *cteEnv {
	if w == nil {
		return env
	}
	for _, n := range w.Ctes {
		cte := n.GetCommonTableExpr()
		if cte == nil {
			continue
		}
		c := &rel{kind: relDerived, name: cte.Ctename}
		colnames := strs(cte.Aliascolnames)
		if w.Recursive {
			env = &cteEnv{name: cte.Ctename, rel: c, outer: env}
			prev := r.recursive
			if sel := cte.Ctequery.GetSelectStmt(); sel != nil && sel.Larg != nil {
				r.recursive = &recursiveCTE{body: sel, rel: c, colnames: colnames}
			}
			d := r.query(cte.Ctequery, parent, env)
			r.recursive = prev
			c.cols, c.stars, c.kind, c.colsKnown = d.cols, d.stars, d.kind, d.colsKnown
			renameCols(c, colnames)
			continue
		}
		d := r.query(cte.Ctequery, parent, env)
		c.cols, c.stars, c.kind, c.colsKnown = d.cols, d.stars, d.kind, d.colsKnown
		renameCols(c, colnames)
		env = &cteEnv{name: cte.Ctename, rel: c, outer: env}
	}
	return env
}

func (r *resolver) from(items []*pg.Node, sc *scope) {
	for _, it := range items {
		r.fromItem(it, sc)
	}
}

// fromItem adds the relations of one FROM item to sc and returns them.
func (r *resolver) fromItem(n *pg.Node, sc *scope) []*rel {
	start := len(sc.rels)
	switch x := n.GetNode().(type) {
	case *pg.Node_RangeVar:
		sc.rels = append(sc.rels, r.rangeVar(x.RangeVar, sc))
	case *pg.Node_RangeSubselect:
		rs := x.RangeSubselect
		parent := sc.parent
		if rs.Lateral {
			parent = sc
		}
		d := r.query(rs.Subquery, parent, sc.env)
		d = rename(d, rs.Alias)
		sc.rels = append(sc.rels, d)
	case *pg.Node_RangeFunction:
		sc.rels = append(sc.rels, r.rangeFunction(x.RangeFunction, sc))
	case *pg.Node_JoinExpr:
		r.join(x.JoinExpr, sc)
	case *pg.Node_RangeTableSample:
		r.fromItem(x.RangeTableSample.Relation, sc)
		for _, a := range x.RangeTableSample.Args {
			r.expr(a, sc)
		}
		r.expr(x.RangeTableSample.Repeatable, sc)
	case *pg.Node_RangeTableFunc:
		tf := x.RangeTableFunc
		r.expr(tf.Docexpr, sc)
		r.expr(tf.Rowexpr, sc)
		out := &rel{kind: relOpaque, colsKnown: true}
		for _, c := range tf.Columns {
			if col := c.GetRangeTableFuncCol(); col != nil {
				out.cols = append(out.cols, outCol{name: col.Colname})
				r.expr(col.Colexpr, sc)
				r.expr(col.Coldefexpr, sc)
			}
		}
		out = rename(out, tf.Alias)
		sc.rels = append(sc.rels, out)
	}
	return append([]*rel(nil), sc.rels[start:]...)
}

func (r *resolver) join(j *pg.JoinExpr, sc *scope) {
	start := len(sc.rels)
	left := r.fromItem(j.Larg, sc)
	right := r.fromItem(j.Rarg, sc)
	// ON sees the two sides of this join and the enclosing query levels,
	// not the other items of the FROM list.
	js := &scope{parent: sc.parent, rels: append(append([]*rel(nil), left...), right...), env: sc.env}
	var usingCols []outCol
	if len(j.UsingClause) > 0 {
		from := r.usingStart(j)
		for _, name := range strs(j.UsingClause) {
			off := r.findIdent(from, name)
			// USING (col) reads col from both sides; each side resolves it
			// among its own relations.
			srcs := r.unqualified(name, off, &scope{rels: left}, refs.Select)
			srcs = append(srcs, r.unqualified(name, off, &scope{rels: right}, refs.Select)...)
			usingCols = append(usingCols, outCol{name: name, srcs: srcs})
		}
	}
	r.expr(j.Quals, js)
	if j.JoinUsingAlias != nil {
		sc.rels = append(sc.rels, &rel{name: j.JoinUsingAlias.Aliasname, kind: relDerived, cols: usingCols, qualOnly: true})
	}
	if j.Alias != nil {
		// An aliased join hides the names of its sides.
		joined := &rel{name: j.Alias.Aliasname, kind: relDerived, stars: js.rels}
		sc.rels = append(sc.rels[:start], rename(joined, j.Alias))
	}
}

// usingStart returns the offset from which to look for the names of a
// join's USING list: the USING keyword after the right side.
func (r *resolver) usingStart(j *pg.JoinExpr) int {
	from := firstLocation(j.Rarg)
	toks := r.tokens()
	depth := 0
	for _, t := range toks {
		if int(t.Start) < from {
			continue
		}
		switch r.text[t.Start:t.End] {
		case "(":
			depth++
		case ")":
			depth--
		default:
			if depth == 0 && strings.EqualFold(r.text[t.Start:t.End], "using") {
				return int(t.End)
			}
		}
	}
	return from
}

// rangeVar resolves a table, view or CTE named in FROM.
func (r *resolver) rangeVar(rv *pg.RangeVar, sc *scope) *rel {
	if rv.Schemaname == "" {
		if c := sc.env.lookup(rv.Relname); c != nil {
			cp := *c
			cp.name = rv.Relname
			return rename(&cp, rv.Alias)
		}
	}
	return r.target(rv, refs.Select, nil)
}

// target emits the table-level reference of a table and returns it as a
// relation.
func (r *resolver) target(rv *pg.RangeVar, u refs.Usage, columns []string) *rel {
	parts := 1
	if rv.Schemaname != "" {
		parts++
	}
	if rv.Catalogname != "" {
		parts++
	}
	off := r.nameOffset(int(rv.Location), parts-1)
	r.out = append(r.out, refs.Reference{
		Schema: rv.Schemaname, Table: rv.Relname, Usage: u, Certainty: refs.Resolved,
		Offset: off, Columns: columns,
	})
	out := &rel{name: rv.Relname, kind: relTable, schema: rv.Schemaname, table: rv.Relname}
	if rv.Alias != nil && rv.Alias.Aliasname != "" && rv.Alias.Aliasname != rv.Relname {
		out.name, out.aliased = rv.Alias.Aliasname, true
	}
	return out
}

func (r *resolver) rangeFunction(rf *pg.RangeFunction, sc *scope) *rel {
	out := &rel{kind: relOpaque}
	fname := ""
	for _, item := range rf.Functions {
		l := item.GetList()
		if l == nil {
			r.expr(item, sc)
			continue
		}
		for k, it := range l.Items {
			if k == 0 {
				// The function's arguments may read earlier FROM items.
				r.expr(it, sc)
				if fc := it.GetFuncCall(); fc != nil && fname == "" {
					names := strs(fc.Funcname)
					if len(names) > 0 {
						fname = names[len(names)-1]
					}
				}
				continue
			}
			if defs := it.GetList(); defs != nil {
				out.cols = append(out.cols, columnDefs(defs.Items)...)
				out.colsKnown = true
			}
		}
	}
	if len(rf.Coldeflist) > 0 {
		out.cols = append(out.cols, columnDefs(rf.Coldeflist)...)
		out.colsKnown = true
	}
	out.name = fname
	if rf.Alias != nil && rf.Alias.Aliasname != "" {
		out.name = rf.Alias.Aliasname
	}
	if !out.colsKnown && len(rf.Functions) == 1 && scalarSetFunctions[fname] {
		out.cols = []outCol{{name: out.name}}
		out.colsKnown = true
	}
	if rf.Alias != nil && len(rf.Alias.Colnames) > 0 {
		out.cols = nil
		for _, n := range strs(rf.Alias.Colnames) {
			out.cols = append(out.cols, outCol{name: n})
		}
		out.colsKnown = true
	}
	if rf.Ordinality && out.colsKnown {
		out.cols = append(out.cols, outCol{name: "ordinality"})
	}
	return out
}

func columnDefs(items []*pg.Node) []outCol {
	var cols []outCol
	for _, d := range items {
		if cd := d.GetColumnDef(); cd != nil {
			cols = append(cols, outCol{name: cd.Colname})
		}
	}
	return cols
}

func (r *resolver) insertStmt(s *pg.InsertStmt, parent *scope, env *cteEnv) *rel {
	env = r.with(s.WithClause, parent, env)
	if s.Relation == nil {
		return &rel{kind: relDerived}
	}
	var cols []string
	for _, c := range s.Cols {
		if rt := c.GetResTarget(); rt != nil {
			cols = append(cols, rt.Name)
		}
	}
	tgt := r.target(s.Relation, refs.Insert, cols)
	for _, c := range s.Cols {
		if rt := c.GetResTarget(); rt != nil {
			r.emit(tgt.schema, tgt.table, rt.Name, refs.Insert, refs.Resolved, int(rt.Location))
		}
	}
	if s.SelectStmt != nil {
		r.query(s.SelectStmt, parent, env)
	}
	if oc := s.OnConflictClause; oc != nil {
		excluded := &rel{name: "excluded", kind: relTable, schema: tgt.schema, table: tgt.table, qualOnly: true}
		tsc := &scope{parent: parent, rels: []*rel{tgt, excluded}, env: env}
		if inf := oc.Infer; inf != nil {
			from := int(inf.Location)
			if from == 0 {
				from = int(oc.Location)
			}
			for _, e := range inf.IndexElems {
				ie := e.GetIndexElem()
				switch {
				case ie == nil:
				case ie.Name != "":
					r.emit(tgt.schema, tgt.table, ie.Name, refs.Select, refs.Resolved, r.findIdent(from, ie.Name))
				default:
					r.expr(ie.Expr, tsc)
				}
			}
			r.expr(inf.WhereClause, tsc)
		}
		r.setList(oc.TargetList, tgt, tsc)
		r.expr(oc.WhereClause, tsc)
	}
	return r.targets(s.ReturningList, &scope{parent: parent, rels: []*rel{tgt}, env: env})
}

func (r *resolver) updateStmt(s *pg.UpdateStmt, parent *scope, env *cteEnv) *rel {
	tgt, sc := r.changeScope(s.WithClause, s.Relation, refs.Update, parent, env)
	if tgt == nil {
		return &rel{kind: relDerived}
	}
	r.from(s.FromClause, sc)
	r.setList(s.TargetList, tgt, sc)
	r.expr(s.WhereClause, sc)
	return r.targets(s.ReturningList, sc)
}

func (r *resolver) deleteStmt(s *pg.DeleteStmt, parent *scope, env *cteEnv) *rel {
	_, sc := r.changeScope(s.WithClause, s.Relation, refs.Delete, parent, env)
	if sc == nil {
		return &rel{kind: relDerived}
	}
	r.from(s.UsingClause, sc)
	r.expr(s.WhereClause, sc)
	return r.targets(s.ReturningList, sc)
}

// changeScope reads the WITH queries of an UPDATE or DELETE and opens
// the scope of its target table, used as u; nils without a target.
func (r *resolver) changeScope(with *pg.WithClause, target *pg.RangeVar, u refs.Usage, parent *scope, env *cteEnv) (*rel, *scope) {
	env = r.with(with, parent, env)
	if target == nil {
		return nil, nil
	}
	tgt := r.target(target, u, nil)
	return tgt, &scope{parent: parent, rels: []*rel{tgt}, env: env}
}

func (r *resolver) mergeStmt(s *pg.MergeStmt, parent *scope, env *cteEnv) {
	env = r.with(s.WithClause, parent, env)
	rv := s.Relation
	if rv == nil {
		return
	}
	// The target's table-level references are those of the actions.
	mark := len(r.out)
	tgt := r.target(rv, refs.Select, nil)
	tableRef := r.out[mark]
	r.out = r.out[:mark]
	sc := &scope{parent: parent, rels: []*rel{tgt}, env: env}
	r.fromItem(s.SourceRelation, sc)
	r.expr(s.JoinCondition, sc)
	for _, n := range s.MergeWhenClauses {
		w := n.GetMergeWhenClause()
		if w == nil {
			continue
		}
		r.expr(w.Condition, sc)
		switch w.CommandType {
		case pg.CmdType_CMD_UPDATE:
			ref := tableRef
			ref.Usage = refs.Update
			r.out = append(r.out, ref)
			r.setList(w.TargetList, tgt, sc)
		case pg.CmdType_CMD_INSERT:
			ref := tableRef
			ref.Usage = refs.Insert
			for _, c := range w.TargetList {
				if rt := c.GetResTarget(); rt != nil {
					ref.Columns = append(ref.Columns, rt.Name)
					r.emit(tgt.schema, tgt.table, rt.Name, refs.Insert, refs.Resolved, int(rt.Location))
				}
			}
			r.out = append(r.out, ref)
			for _, v := range w.Values {
				r.expr(v, sc)
			}
		case pg.CmdType_CMD_DELETE:
			ref := tableRef
			ref.Usage = refs.Delete
			r.out = append(r.out, ref)
		}
	}
}

func (r *resolver) copyStmt(s *pg.CopyStmt, parent *scope, env *cteEnv) {
	if s.Query != nil {
		r.query(s.Query, parent, env)
	}
	if s.Relation == nil {
		return
	}
	u := refs.Select
	cols := strs(s.Attlist)
	var listed []string
	if s.IsFrom {
		u, listed = refs.Insert, cols
	}
	tgt := r.target(s.Relation, u, listed)
	if len(cols) == 0 && !s.IsFrom {
		r.emit(tgt.schema, tgt.table, "", refs.Wildcard, refs.Resolved, r.out[len(r.out)-1].Offset)
	}
	for _, c := range cols {
		r.emit(tgt.schema, tgt.table, c, u, refs.Resolved, r.findIdent(int(s.Relation.Location), c))
	}
}

// setList resolves UPDATE ... SET and ON CONFLICT DO UPDATE SET.
func (r *resolver) setList(list []*pg.Node, tgt *rel, sc *scope) {
	for _, n := range list {
		rt := n.GetResTarget()
		if rt == nil {
			r.expr(n, sc)
			continue
		}
		r.emit(tgt.schema, tgt.table, rt.Name, refs.Update, refs.Resolved, int(rt.Location))
		for _, ind := range rt.Indirection {
			r.expr(ind, sc)
		}
		if mar := rt.Val.GetMultiAssignRef(); mar != nil {
			// SET (a, b) = (SELECT ...) repeats the source for each column.
			if mar.Colno == 1 {
				r.expr(mar.Source, sc)
			}
			continue
		}
		r.expr(rt.Val, sc)
	}
}

// expr resolves the column references of an expression in sc.
func (r *resolver) expr(n *pg.Node, sc *scope) {
	if n == nil || n.Node == nil {
		return
	}
	r.visit(inner(n), sc)
}

func (r *resolver) visit(m proto.Message, sc *scope) {
	switch x := m.(type) {
	case nil:
	case *pg.Node:
		r.expr(x, sc)
	case *pg.ColumnRef:
		r.columnRef(x, sc, refs.Select)
	case *pg.SubLink:
		r.expr(x.Testexpr, sc)
		sel := x.Subselect.GetSelectStmt()
		if sel != nil {
			r.selectStmt(sel, sc, sc.env, x.SubLinkType == pg.SubLinkType_EXISTS_SUBLINK)
		} else {
			r.query(x.Subselect, sc, sc.env)
		}
	case *pg.FuncCall:
		r.funcCall(x, sc)
	case *pg.SelectStmt, *pg.InsertStmt, *pg.UpdateStmt, *pg.DeleteStmt:
		r.query(x, sc, sc.env)
	case *pg.A_Const, *pg.String, *pg.Integer, *pg.Float, *pg.Boolean, *pg.ParamRef,
		*pg.TypeName, *pg.SQLValueFunction, *pg.SetToDefault, *pg.A_Star, *pg.RangeVar:
		// No column references.
	case *pg.A_Expr:
		r.expr(x.Lexpr, sc)
		r.expr(x.Rexpr, sc)
	case *pg.BoolExpr:
		for _, a := range x.Args {
			r.expr(a, sc)
		}
	case *pg.TypeCast:
		r.expr(x.Arg, sc)
	case *pg.List:
		for _, it := range x.Items {
			r.expr(it, sc)
		}
	default:
		r.children(m, sc)
	}
}

// children visits the message fields of any other node.
func (r *resolver) children(m proto.Message, sc *scope) {
	m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Kind() != protoreflect.MessageKind || fd.IsMap() {
			return true
		}
		if fd.IsList() {
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				r.visit(l.Get(i).Message().Interface(), sc)
			}
			return true
		}
		r.visit(v.Message().Interface(), sc)
		return true
	})
}

// nodeOneof is taken on first use: reading a descriptor's oneofs
// unpacks all of pg_query's descriptors, which start-up should not pay.
var nodeOneof = sync.OnceValue(func() protoreflect.OneofDescriptor {
	return (&pg.Node{}).ProtoReflect().Descriptor().Oneofs().ByName("node")
})

// inner returns the message a Node wraps.
func inner(n *pg.Node) proto.Message {
	m := n.ProtoReflect()
	fd := m.WhichOneof(nodeOneof())
	if fd == nil {
		return nil
	}
	return m.Get(fd).Message().Interface()
}

func (r *resolver) funcCall(fc *pg.FuncCall, sc *scope) {
	names := strs(fc.Funcname)
	if len(names) == 0 {
		return
	}
	name := names[len(names)-1]
	schema := ""
	if len(names) >= 2 {
		schema = names[len(names)-2]
	}
	switch {
	case schema == "sqlc":
		// sqlc's macros: embed(t) selects every column of t.
		if name == "embed" && len(fc.Args) == 1 {
			if cr := fc.Args[0].GetColumnRef(); cr != nil {
				if qual := strs(cr.Fields); len(qual) > 0 {
					if rl := lookupQualified(sc, qual); rl != nil {
						r.wildcard(rl, int(cr.Location), refs.Resolved, 0)
					}
				}
			}
		}
		return
	case schema == "pg_catalog" || schema == "information_schema" || (schema == "" && isBuiltin(name)):
		if (name == "nextval" || name == "currval" || name == "setval") && len(fc.Args) > 0 {
			r.sequence(fc.Args[0])
		}
	default:
		r.emit(schema, name, "", refs.Other, refs.Resolved, r.nameOffset(int(fc.Location), len(names)-1))
	}
	for _, a := range fc.Args {
		r.expr(a, sc)
	}
	for _, a := range fc.AggOrder {
		r.expr(a, sc)
	}
	r.expr(fc.AggFilter, sc)
	if fc.Over != nil {
		r.children(fc.Over, sc)
	}
}

// sequence records the sequence named by the string argument of nextval,
// currval or setval.
func (r *resolver) sequence(arg *pg.Node) {
	c := stripCasts(arg).GetAConst()
	if c == nil || c.GetSval() == nil {
		return
	}
	parts := splitQualified(c.GetSval().Sval)
	if len(parts) == 0 {
		return
	}
	schema := ""
	if len(parts) >= 2 {
		schema = parts[len(parts)-2]
	}
	r.emit(schema, parts[len(parts)-1], "", refs.Other, refs.Resolved, int(c.Location)+1)
}

// splitQualified splits a regclass literal such as public."Users_id_seq"
// into its lower-cased (unless quoted) parts.
func splitQualified(s string) []string {
	var parts []string
	for s != "" {
		var p string
		if s[0] == '"' {
			end, ok := sqlparse.LiteralEnd(s, 0)
			if !ok {
				end = len(s)
			}
			p = strings.ReplaceAll(s[1:max(1, end-1)], `""`, `"`)
			s = s[end:]
		} else {
			i := strings.IndexByte(s, '.')
			if i < 0 {
				i = len(s)
			}
			p = strings.ToLower(strings.TrimSpace(s[:i]))
			s = s[i:]
		}
		parts = append(parts, p)
		if s == "" || s[0] != '.' {
			break
		}
		s = s[1:]
	}
	return parts
}
