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
var SQLBoiler refs.Extractor = goStructs(refs.SQLBoiler, `boil:"`, sqlboilerReferences)

func sqlboilerReferences(gf *goFile, ts *ast.TypeSpec, st *ast.StructType) []refs.Reference {
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
		return nil
	}
	table := sqlboilerTable(gf)
	if table == "" {
		return nil
	}
	r := newRef(gf.f, refs.SQLBoiler, gf.offset(ts.Pos()), table)
	r.Columns = cols
	return []refs.Reference{r}
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
