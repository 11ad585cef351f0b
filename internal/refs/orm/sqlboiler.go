package orm

import (
	"go/ast"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// SQLBoiler extracts one reference per model SQLBoiler generated: a
// struct whose fields carry `boil:"column"` tags and that has the
// relationship field `R` (`boil:"-"`). Usage Model (the generated code
// selects "table".* and inserts and updates every column it knows);
// Table = the model file's qm.From("\"table\"") (schema-qualified when
// it is); Columns = the boil tags in order. Regenerating the models with
// the column blacklisted (or after the drop elsewhere) removes the field,
// which is the staged drop.
type SQLBoiler struct{}

// Name implements refs.Extractor.
func (s *SQLBoiler) Name() string { return string(refs.SQLBoiler) }

// Match reads Go files other than tests.
func (s *SQLBoiler) Match(p string) bool { return matchGo(p) }

// Extract implements refs.Extractor.
func (s *SQLBoiler) Extract(p string, src []byte) ([]refs.Reference, error) {
	gf, err := readGoFileIf(p, src, `boil:"`)
	if gf == nil {
		return nil, err
	}
	table := sqlboilerTable(gf)
	if table == "" {
		return nil, nil
	}
	var out []refs.Reference
	for _, ts := range gf.order {
		st := ts.Type.(*ast.StructType)
		var cols []string
		hasR := false
		for _, f := range st.Fields.List {
			tag, ok := fieldTag(f, "boil")
			if !ok {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if name == "-" {
				for _, n := range f.Names {
					hasR = hasR || n.Name == "R"
				}
				continue
			}
			if name != "" {
				cols = append(cols, name)
			}
		}
		if !hasR || len(cols) == 0 {
			continue
		}
		r := newRef(gf.f, refs.SQLBoiler, gf.offset(ts.Pos()), table)
		r.Columns = cols
		out = append(out, r)
	}
	return out, nil
}

// sqlboilerTable finds the table of a model file: the argument of
// qm.From("\"users\"") in its query constructor.
func sqlboilerTable(gf *goFile) string {
	table := ""
	ast.Inspect(gf.file, func(n ast.Node) bool {
		if table != "" {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "From" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "qm" {
			return true
		}
		if s, ok := stringLit(call.Args[0]); ok {
			table = unquoteIdents(s)
		}
		return true
	})
	return table
}

// unquoteIdents turns `"schema"."table"` into schema.table.
func unquoteIdents(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if u, err := strconv.Unquote(p); err == nil && strings.HasPrefix(p, `"`) {
			p = u
		}
		parts[i] = strings.Trim(p, "`")
	}
	return strings.Join(parts, ".")
}
