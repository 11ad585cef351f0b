package ops

import (
	"slices"
	"strconv"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v5"
)

// canonicalTypes maps pg_catalog's internal type names to the names
// PostgreSQL prints (format_type), so rules and the catalog compare one
// spelling.
var canonicalTypes = map[string]string{
	"int2": "smallint", "int4": "integer", "int8": "bigint", "int": "integer",
	"float4": "real", "float8": "double precision", "bool": "boolean",
	"varchar": "character varying", "bpchar": "character",
	"timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
	"time": "time without time zone", "timetz": "time with time zone",
	"varbit": "bit varying", "decimal": "numeric",
	"serial4": "serial", "serial8": "bigserial", "serial2": "smallserial",
}

// CanonicalTypeName returns PostgreSQL's spelling of a type name.
func CanonicalTypeName(name string) string {
	n := strings.ToLower(strings.TrimPrefix(name, "pg_catalog."))
	if c, ok := canonicalTypes[n]; ok {
		return c
	}
	return n
}

func typeFromNode(t *pg.TypeName) Type {
	if t == nil {
		return Type{}
	}
	var names []string
	for _, n := range t.Names {
		names = append(names, stringValue(n))
	}
	name := ""
	switch {
	case len(names) == 2 && names[0] == "pg_catalog":
		name = CanonicalTypeName(names[1])
	case len(names) > 0:
		name = CanonicalTypeName(strings.Join(names, "."))
	}
	out := Type{Name: name, Array: len(t.ArrayBounds) > 0}
	for _, m := range t.Typmods {
		if c := m.GetAConst(); c != nil {
			if iv, ok := c.Val.(*pg.A_Const_Ival); ok {
				out.Mods = append(out.Mods, int(iv.Ival.Ival))
			}
		}
	}
	// timestamp(6) and similar keep their precision as the only modifier;
	// interval's field mask is not a size, drop it.
	if out.Name == "interval" {
		out.Mods = nil
	}
	return out
}

// String renders the type as PostgreSQL prints it.
func (t Type) String() string {
	var b strings.Builder
	name := t.Name
	mods := ""
	if len(t.Mods) > 0 {
		parts := make([]string, len(t.Mods))
		for i, m := range t.Mods {
			parts[i] = strconv.Itoa(m)
		}
		mods = "(" + strings.Join(parts, ",") + ")"
	}
	// timestamp(3) with time zone puts the precision after the first word.
	if mods != "" && (strings.HasPrefix(name, "timestamp ") || strings.HasPrefix(name, "time ")) {
		i := strings.IndexByte(name, ' ')
		b.WriteString(name[:i] + mods + name[i:])
	} else {
		b.WriteString(name + mods)
	}
	if t.Array {
		b.WriteString("[]")
	}
	return b.String()
}

// IsSerial reports whether the type is one of the serial pseudo-types.
func (t Type) IsSerial() bool {
	switch t.Name {
	case "serial", "bigserial", "smallserial":
		return true
	}
	return false
}

// BinaryCompatible reports whether changing a column from t to u keeps
// the stored bytes (PostgreSQL neither rewrites the table nor rebuilds
// indexes) and so does not change what clients read.
func BinaryCompatible(t, u Type) bool {
	if t.Array != u.Array {
		return false
	}
	switch {
	case t.Name == u.Name && slices.Equal(t.Mods, u.Mods):
		return true
	case t.Name == "character varying" && u.Name == "text":
		return true
	case t.Name == "character varying" && u.Name == "character varying":
		// Widening or removing the limit is free; narrowing scans.
		return len(u.Mods) == 0 || (len(t.Mods) == 1 && u.Mods[0] >= t.Mods[0])
	case t.Name == "text" && u.Name == "character varying" && len(u.Mods) == 0:
		return true
	case t.Name == "numeric" && u.Name == "numeric":
		// Raising precision with the same scale, or dropping the limit.
		return len(u.Mods) == 0 || (len(t.Mods) == 2 && len(u.Mods) == 2 && u.Mods[0] >= t.Mods[0] && u.Mods[1] == t.Mods[1])
	case t.Name == "bit varying" && u.Name == "bit varying":
		return len(u.Mods) == 0 || (len(t.Mods) == 1 && u.Mods[0] >= t.Mods[0])
	case t.Name == "cidr" && u.Name == "inet":
		return true
	case (t.Name == "timestamp without time zone" || t.Name == "timestamp with time zone") && t.Name == u.Name:
		// Changing the precision only: raising it is free.
		return len(u.Mods) == 0 || (len(t.Mods) == 1 && u.Mods[0] >= t.Mods[0])
	}
	return false
}

func stringValue(n *pg.Node) string {
	if n == nil {
		return ""
	}
	if s := n.GetString_(); s != nil {
		return s.Sval
	}
	return ""
}

func stringList(nodes []*pg.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, stringValue(n))
	}
	return out
}

// Deparse renders an expression node back to SQL text.
func Deparse(n *pg.Node) string {
	if n == nil {
		return ""
	}
	tree := &pg.ParseResult{Stmts: []*pg.RawStmt{{Stmt: &pg.Node{Node: &pg.Node_SelectStmt{SelectStmt: &pg.SelectStmt{
		TargetList: []*pg.Node{pg.MakeResTargetNodeWithVal(n, 0)},
	}}}}}}
	s, err := pg.Deparse(tree)
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(s, "SELECT ")
}
