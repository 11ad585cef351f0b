package orm

import (
	"go/ast"
	"strings"

	"github.com/jinzhu/inflection"

	"github.com/schemagate/schemagate/internal/refs"
)

// Bun extracts one reference per bun model: a struct embedding
// bun.BaseModel. Usage Model (bun selects and writes every field it
// maps); Table = the BaseModel's `bun:"table:name"`, else the type name
// underscored and pluralized (bun's default: UserProfile ->
// user_profiles); Columns = every exported field's `bun:"name"` or its
// underscored name, embedded structs inlined (with `embed:prefix_`).
// Not columns: `bun:"-"`, `scanonly` fields, relations (`rel:`, `m2m:`)
// and unexported fields. A staged drop marks the field `bun:"-"` (or
// removes it) a release ahead.
var Bun refs.Extractor = goStructs(refs.Bun, "uptrace/bun", bunReferences)

func bunReferences(gf *goFile, ts *ast.TypeSpec, st *ast.StructType) []refs.Reference {
	table, ok := bunModel(gf, st)
	if !ok {
		return nil
	}
	if table == "" {
		table = inflection.Plural(bunUnderscore(ts.Name.Name))
	}
	r := newRef(gf.f, refs.Bun, gf.offset(ts.Pos()), table)
	r.Columns = bunColumns(gf, st, "", 0)
	return []refs.Reference{r}
}

// isBunBaseModel matches bun.BaseModel.
func isBunBaseModel(gf *goFile, e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "BaseModel" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && gf.imports[pkg.Name] == "github.com/uptrace/bun"
}

// bunModel reports whether a struct embeds bun.BaseModel, and the table
// its tag names.
func bunModel(gf *goFile, st *ast.StructType) (string, bool) {
	for _, f := range st.Fields.List {
		if len(f.Names) != 0 || !isBunBaseModel(gf, f.Type) {
			continue
		}
		tag, _ := fieldTag(f, "bun")
		for _, opt := range strings.Split(tag, ",") {
			k, v, found := strings.Cut(strings.TrimSpace(opt), ":")
			if found && k == "table" {
				return strings.Trim(v, `"'`), true
			}
		}
		return "", true
	}
	return "", false
}

func bunColumns(gf *goFile, st *ast.StructType, prefix string, depth int) []string {
	if depth > 8 {
		return nil
	}
	var cols []string
	for _, f := range st.Fields.List {
		tag, _ := fieldTag(f, "bun")
		name, opts, _ := strings.Cut(tag, ",")
		name = strings.TrimSpace(name)
		if strings.Contains(name, ":") { // the first part is an option: bun:"embed:home_"
			name, opts = "", tag
		}
		if name == "-" {
			continue
		}
		skip, embed := false, ""
		embedded := false
		for _, o := range strings.Split(opts, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(o), ":")
			switch k {
			case "rel", "m2m", "scanonly", "join":
				skip = true
			case "embed":
				embedded, embed = true, v
			}
		}
		if skip {
			continue
		}
		if len(f.Names) == 0 {
			if isBunBaseModel(gf, f.Type) {
				continue
			}
			if inner, ok := gf.localStruct(f.Type); ok {
				cols = uniq(cols, bunColumns(gf, inner, prefix+embed, depth+1)...)
			}
			continue
		}
		if embedded {
			if inner, ok := gf.localStruct(f.Type); ok {
				cols = uniq(cols, bunColumns(gf, inner, prefix+embed, depth+1)...)
			}
			continue
		}
		for _, n := range f.Names {
			if !n.IsExported() {
				continue
			}
			col := name
			if col == "" {
				col = bunUnderscore(n.Name)
			}
			cols = uniq(cols, prefix+col)
		}
	}
	return cols
}
