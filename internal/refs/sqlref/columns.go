package sqlref

import (
	"strconv"

	pg "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagate/schemagate/internal/refs"
)

// columnRef resolves a column reference (a, t.a, s.t.a, *, t.*) and
// returns the table columns it reads.
func (r *resolver) columnRef(cr *pg.ColumnRef, sc *scope, u refs.Usage) []src {
	names := strs(cr.Fields)
	loc := int(cr.Location)
	if isStar(cr) {
		if sc.noStar {
			return nil
		}
		off := r.nameOffset(loc, len(names))
		if len(names) == 0 {
			for _, rl := range sc.rels {
				if !rl.qualOnly {
					r.wildcard(rl, off, refs.Resolved, 0)
				}
			}
			return nil
		}
		if rl := lookupQualified(sc, names); rl != nil {
			r.wildcard(rl, off, refs.Resolved, 0)
			return nil
		}
		schema, table := qualifier(names)
		r.emit(schema, table, "", refs.Wildcard, refs.NameOnly, r.nameOffset(loc, len(names)-1))
		return nil
	}
	switch len(names) {
	case 0:
		return nil
	case 1:
		return r.unqualified(names[0], loc, sc, u)
	}
	col := names[len(names)-1]
	qual := names[:len(names)-1]
	off := r.nameOffset(loc, len(names)-1)
	if rl := lookupQualified(sc, qual); rl != nil {
		return r.resolveOn(rl, col, refs.Resolved, off, u, 0)
	}
	// A qualifier that names nothing in scope: keep the name.
	schema, table := qualifier(qual)
	r.emit(schema, table, col, u, refs.NameOnly, off)
	return nil
}

func qualifier(qual []string) (schema, table string) {
	table = qual[len(qual)-1]
	if len(qual) >= 2 {
		schema = qual[len(qual)-2]
	}
	return schema, table
}

// unqualified resolves a bare column name: the innermost query level with
// a relation that may have it wins; several such relations make the
// reference ambiguous between them.
func (r *resolver) unqualified(col string, off int, sc *scope, u refs.Usage) []src {
	for s := sc; s != nil; s = s.parent {
		var named, cands []*rel
		for _, rl := range s.rels {
			if rl.qualOnly {
				continue
			}
			if rl.name == col {
				named = append(named, rl)
			}
			if mayHave(rl, col, 0) {
				cands = append(cands, rl)
			}
		}
		if len(named) > 0 && (subset(cands, named) || named[0].kind != relTable || named[0].aliased) {
			// A whole-row reference such as row_to_json(u): PostgreSQL
			// tries a column first, but a column named like an alias the
			// query chose is far less likely than the row itself.
			r.wildcard(named[0], off, refs.Resolved, 0)
			return nil
		}
		if len(cands) == 0 {
			continue
		}
		cert := refs.Resolved
		if len(cands) > 1 {
			cert = refs.Ambiguous
		}
		var out []src
		for _, c := range cands {
			out = append(out, r.resolveOn(c, col, cert, off, u, 0)...)
		}
		return out
	}
	r.emit("", "", col, u, refs.NameOnly, off)
	return nil
}

func subset(a, b []*rel) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// mayHave reports whether rl may have a column named col: a table may
// have any, a derived relation has its output columns and those of the
// relations its * passes through.
func mayHave(rl *rel, col string, depth int) bool {
	if depth > maxDepth {
		return false
	}
	switch rl.kind {
	case relTable:
		return true
	case relOpaque:
		return !rl.colsKnown || rl.col(col) != nil
	}
	if rl.col(col) != nil {
		return true
	}
	for _, s := range rl.stars {
		if mayHave(s, col, depth+1) {
			return true
		}
	}
	return false
}

// resolveOn emits the reference of column col of rl and returns the table
// columns it reads.
func (r *resolver) resolveOn(rl *rel, col string, cert refs.Certainty, off int, u refs.Usage, depth int) []src {
	if depth > maxDepth {
		return nil
	}
	switch rl.kind {
	case relTable:
		r.emit(rl.schema, rl.table, col, u, cert, off)
		return []src{{rl.schema, rl.table, col, cert}}
	case relOpaque:
		return nil
	}
	if oc := rl.col(col); oc != nil {
		out := make([]src, 0, len(oc.srcs))
		for _, s := range oc.srcs {
			c := worse(cert, s.cert)
			r.emit(s.schema, s.table, s.column, u, c, off)
			out = append(out, src{s.schema, s.table, s.column, c})
		}
		return out
	}
	var cands []*rel
	for _, s := range rl.stars {
		if mayHave(s, col, depth+1) {
			cands = append(cands, s)
		}
	}
	if len(cands) > 1 {
		cert = worse(cert, refs.Ambiguous)
	}
	var out []src
	for _, c := range cands {
		out = append(out, r.resolveOn(c, col, cert, off, u, depth+1)...)
	}
	return out
}

// wildcard emits the * of rl: a wildcard reference of each table it
// expands to.
func (r *resolver) wildcard(rl *rel, off int, cert refs.Certainty, depth int) {
	if depth > maxDepth {
		return
	}
	switch rl.kind {
	case relTable:
		r.emit(rl.schema, rl.table, "", refs.Wildcard, cert, off)
	case relDerived:
		for _, s := range rl.stars {
			r.wildcard(s, off, cert, depth+1)
		}
	}
}

// starRels returns the relations a * or t.* in a target list expands to.
func (r *resolver) starRels(cr *pg.ColumnRef, sc *scope) []*rel {
	names := strs(cr.Fields)
	if len(names) == 0 {
		var out []*rel
		for _, rl := range sc.rels {
			if !rl.qualOnly {
				out = append(out, rl)
			}
		}
		return out
	}
	if rl := lookupQualified(sc, names); rl != nil {
		return []*rel{rl}
	}
	return nil
}

// lookupQualified finds the relation a qualifier (t, s.t or c.s.t) names,
// from the innermost query level out.
func lookupQualified(sc *scope, qual []string) *rel {
	schema, table := qualifier(qual)
	for s := sc; s != nil; s = s.parent {
		for _, rl := range s.rels {
			if rl.name != table {
				continue
			}
			if schema != "" && (rl.kind != relTable || (rl.schema != "" && rl.schema != schema)) {
				continue
			}
			return rl
		}
	}
	return nil
}

// mergeSetOp combines the arms of UNION, INTERSECT or EXCEPT: names come
// from the left arm, sources from both.
func mergeSetOp(left, right *rel) *rel {
	out := &rel{kind: relDerived, stars: append(append([]*rel(nil), left.stars...), right.stars...)}
	for i, c := range left.cols {
		m := outCol{name: c.name, srcs: append([]src(nil), c.srcs...)}
		if len(left.stars) == 0 && len(right.stars) == 0 && i < len(right.cols) {
			m.srcs = append(m.srcs, right.cols[i].srcs...)
		}
		out.cols = append(out.cols, m)
	}
	return out
}

// rename applies an alias to a derived relation: its name and, when it
// lists column names, the names of its output columns.
func rename(d *rel, a *pg.Alias) *rel {
	if a == nil {
		return d
	}
	if a.Aliasname != "" {
		d.name, d.aliased = a.Aliasname, true
	}
	renameCols(d, strs(a.Colnames))
	return d
}

// renameCols renames output columns by position. Behind a * the
// positions are unknown, so the names are kept without sources.
func renameCols(d *rel, names []string) {
	if len(names) == 0 || d.kind == relTable {
		return
	}
	if len(d.stars) > 0 {
		d.cols, d.stars = nil, nil
		for _, n := range names {
			d.cols = append(d.cols, outCol{name: n})
		}
		return
	}
	cols := append([]outCol(nil), d.cols...)
	for i, n := range names {
		if i < len(cols) {
			cols[i].name = n
		} else {
			cols = append(cols, outCol{name: n})
		}
	}
	d.cols = cols
	if d.kind == relOpaque {
		d.colsKnown = true
	}
}

// colName is the name PostgreSQL gives an output column.
func colName(rt *pg.ResTarget) string {
	if rt.Name != "" {
		return rt.Name
	}
	return figureName(rt.Val)
}

func figureName(n *pg.Node) string {
	switch x := n.GetNode().(type) {
	case *pg.Node_ColumnRef:
		names := strs(x.ColumnRef.Fields)
		if len(names) > 0 {
			return names[len(names)-1]
		}
	case *pg.Node_FuncCall:
		names := strs(x.FuncCall.Funcname)
		if len(names) > 0 {
			return names[len(names)-1]
		}
	case *pg.Node_TypeCast:
		if name := figureName(x.TypeCast.Arg); name != "?column?" {
			return name
		}
		if tn := x.TypeCast.TypeName; tn != nil {
			names := strs(tn.Names)
			if len(names) > 0 {
				return names[len(names)-1]
			}
		}
	case *pg.Node_AIndirection:
		ind := x.AIndirection.Indirection
		if len(ind) > 0 {
			if s := ind[len(ind)-1].GetString_(); s != nil {
				return s.Sval
			}
		}
		return figureName(x.AIndirection.Arg)
	case *pg.Node_CaseExpr:
		return "case"
	}
	return "?column?"
}

func stripCasts(n *pg.Node) *pg.Node {
	for n != nil {
		switch x := n.Node.(type) {
		case *pg.Node_TypeCast:
			n = x.TypeCast.Arg
		case *pg.Node_CollateClause:
			n = x.CollateClause.Arg
		default:
			return n
		}
	}
	return n
}

func isStar(cr *pg.ColumnRef) bool {
	return len(cr.Fields) > 0 && cr.Fields[len(cr.Fields)-1].GetAStar() != nil
}

// strs returns the String values of a node list.
func strs(nodes []*pg.Node) []string {
	var out []string
	for _, n := range nodes {
		if s := n.GetString_(); s != nil {
			out = append(out, s.Sval)
		}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

var certaintyRank = map[refs.Certainty]int{refs.Resolved: 0, refs.Ambiguous: 1, refs.NameOnly: 2}

func worse(a, b refs.Certainty) refs.Certainty {
	if certaintyRank[b] > certaintyRank[a] {
		return b
	}
	return a
}

// firstLocation returns the smallest location field in a node's subtree,
// which is where its text starts.
func firstLocation(n *pg.Node) int {
	best := -1
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch {
			case fd.Name() == "location" && fd.Kind() == protoreflect.Int32Kind:
				if l := int(v.Int()); l >= 0 && (best < 0 || l < best) {
					best = l
				}
			case fd.Kind() == protoreflect.MessageKind && fd.IsList():
				l := v.List()
				for i := 0; i < l.Len(); i++ {
					walk(l.Get(i).Message())
				}
			case fd.Kind() == protoreflect.MessageKind && !fd.IsMap():
				walk(v.Message())
			}
			return true
		})
	}
	if n != nil {
		walk(proto.Message(n).ProtoReflect())
	}
	return max(best, 0)
}
