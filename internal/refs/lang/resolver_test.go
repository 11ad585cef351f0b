package lang

import (
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/schemagate/schemagate/internal/refs"
)

// tableResolver is a small real resolver for the tests: PostgreSQL's
// parser (pg_query) finds every table (RangeVar) of the SQL and returns
// one table-level reference for it, its Location as Offset. The target
// of INSERT/UPDATE/DELETE gets that usage, other tables select; names of
// CTEs are not tables. "?" parameters become $n first, with offsets
// mapped back, as the real resolver tolerates them too.
func tableResolver(sql string) ([]refs.Reference, error) {
	norm, back := questionMarks(sql)
	tree, err := pg.Parse(norm)
	if err != nil {
		return nil, err
	}
	var out []refs.Reference
	for _, raw := range tree.Stmts {
		stmt := raw.Stmt
		var target *pg.RangeVar
		usage := refs.Select
		switch {
		case stmt.GetInsertStmt() != nil:
			target, usage = stmt.GetInsertStmt().GetRelation(), refs.Insert
		case stmt.GetUpdateStmt() != nil:
			target, usage = stmt.GetUpdateStmt().GetRelation(), refs.Update
		case stmt.GetDeleteStmt() != nil:
			target, usage = stmt.GetDeleteStmt().GetRelation(), refs.Delete
		}
		ctes := map[string]bool{}
		walkProto(stmt.ProtoReflect(), func(m protoreflect.Message) {
			if cte, ok := m.Interface().(*pg.CommonTableExpr); ok {
				ctes[cte.GetCtename()] = true
			}
		})
		walkProto(stmt.ProtoReflect(), func(m protoreflect.Message) {
			rv, ok := m.Interface().(*pg.RangeVar)
			if !ok || rv.GetSchemaname() == "" && ctes[rv.GetRelname()] {
				return
			}
			u := refs.Select
			if rv == target {
				u = usage
			}
			out = append(out, refs.Reference{
				Schema:    rv.GetSchemaname(),
				Table:     rv.GetRelname(),
				Usage:     u,
				Certainty: refs.Resolved,
				Offset:    back(int(rv.GetLocation())),
			})
		})
	}
	return out, nil
}

func walkProto(m protoreflect.Message, fn func(protoreflect.Message)) {
	fn(m)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap() || fd.Message() == nil:
		case fd.IsList():
			for i := 0; i < v.List().Len(); i++ {
				walkProto(v.List().Get(i).Message(), fn)
			}
		default:
			walkProto(v.Message(), fn)
		}
		return true
	})
}

// questionMarks replaces ? parameters outside quotes by $n and returns a
// function mapping offsets of the result back to offsets of sql.
func questionMarks(sql string) (string, func(int) int) {
	if !strings.Contains(sql, "?") {
		return sql, func(i int) int { return i }
	}
	var b strings.Builder
	type shift struct{ at, by int } // from normalised offset at on, subtract by
	var shifts []shift
	n, extra := 0, 0
	quote := byte(0)
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			ph := "$" + strconv.Itoa(n)
			b.WriteString(ph)
			extra += len(ph) - 1
			shifts = append(shifts, shift{b.Len(), extra})
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), func(i int) int {
		by := 0
		for _, s := range shifts {
			if i >= s.at {
				by = s.by
			}
		}
		return i - by
	}
}
