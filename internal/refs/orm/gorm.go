package orm

import (
	"go/ast"
	"strings"

	"gorm.io/gorm/schema"

	"github.com/schemagate/schemagate/internal/refs"
)

// GORM extracts one reference per GORM model struct: a struct embedding
// gorm.Model, with a `gorm:"..."` tag, or with a TableName() method in a
// file importing GORM. Usage Model; Table = the string TableName()
// returns, else GORM's naming strategy (snake_case, pluralized with
// jinzhu/inflection, as GORM itself does); Columns = gorm.Model's id,
// created_at, updated_at, deleted_at, then each exported field's
// `column:` tag or snake_case name, embedded structs of the same file
// inlined (with embeddedPrefix).
//
// Not columns: `gorm:"-"` and `gorm:"-:all"` fields, associations
// (foreignKey/references/many2many/polymorphic tags, slices and local
// struct types without type:/serializer:, a field whose sibling
// <Field>ID exists), maps, funcs, channels and unexported fields.
// A TableName() that returns something other than a literal or a
// constant leaves the default name with Certainty Ambiguous.
type GORM struct {
	// TablePrefix and SingularTable mirror the app's
	// gorm.Config.NamingStrategy.
	TablePrefix   string
	SingularTable bool
}

// Name implements refs.Extractor.
func (g *GORM) Name() string { return string(refs.GORM) }

// Match reads Go files other than tests.
func (g *GORM) Match(p string) bool { return matchGo(p) }

var gormModelColumns = []string{"id", "created_at", "updated_at", "deleted_at"}

// Extract implements refs.Extractor.
func (g *GORM) Extract(p string, src []byte) ([]refs.Reference, error) {
	ns := schema.NamingStrategy{TablePrefix: g.TablePrefix, SingularTable: g.SingularTable}
	// No gorm import, no gorm tag: not parsed.
	var x *gormFile // one for the file
	return goStructRefs(p, src, "gorm", func(gf *goFile, ts *ast.TypeSpec, st *ast.StructType) []refs.Reference {
		if x == nil {
			x = &gormFile{g: gf, ns: ns}
		}
		if ref, ok := x.model(ts, st); ok {
			return []refs.Reference{ref}
		}
		return nil
	})
}

type gormFile struct {
	g  *goFile
	ns schema.NamingStrategy
}

// importsGORM reports whether the file imports GORM v2 or v1.
func (x *gormFile) importsGORM() bool {
	for _, path := range x.g.imports {
		if path == "gorm.io/gorm" || path == "github.com/jinzhu/gorm" {
			return true
		}
	}
	return false
}

// isGormModel matches the gorm.Model type expression.
func (x *gormFile) isGormModel(e ast.Expr) bool {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Model" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	path := x.g.imports[pkg.Name]
	return path == "gorm.io/gorm" || path == "github.com/jinzhu/gorm"
}

func (x *gormFile) model(ts *ast.TypeSpec, st *ast.StructType) (refs.Reference, bool) {
	tableName, hasMethod := x.g.methods[ts.Name.Name]["TableName"]
	isModel := hasMethod && x.importsGORM()
	for _, f := range st.Fields.List {
		if _, ok := fieldTag(f, "gorm"); ok || (len(f.Names) == 0 && x.isGormModel(f.Type)) {
			isModel = true
			break
		}
	}
	if !isModel {
		return refs.Reference{}, false
	}
	table, sure := x.ns.TableName(ts.Name.Name), true
	if hasMethod {
		if s, ok := x.returnedString(tableName); ok {
			table = s
		} else {
			sure = false
		}
	}
	ref := newRef(x.g.f, refs.GORM, x.g.offset(ts.Pos()), table)
	if !sure {
		ref.Certainty = refs.Ambiguous
	}
	ref.Columns = x.columns(st, "", 0)
	return ref, true
}

// returnedString reads `return "t"` or `return constName`.
func (x *gormFile) returnedString(fd *ast.FuncDecl) (string, bool) {
	if fd.Body == nil || len(fd.Body.List) != 1 {
		return "", false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", false
	}
	if s, ok := stringLit(ret.Results[0]); ok {
		return s, true
	}
	if id, ok := ret.Results[0].(*ast.Ident); ok {
		s, ok := x.g.consts[id.Name]
		return s, ok
	}
	return "", false
}

func (x *gormFile) columns(st *ast.StructType, prefix string, depth int) []string {
	if depth > 8 {
		return nil
	}
	names := map[string]bool{}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			names[n.Name] = true
		}
	}
	var cols []string
	for _, f := range st.Fields.List {
		tag, _ := fieldTag(f, "gorm")
		settings := schema.ParseTagSetting(tag, ";")
		if v, ok := settings["-"]; ok {
			if v = strings.ToLower(strings.TrimSpace(v)); v == "-" || v == "all" {
				continue
			}
		}
		if len(f.Names) == 0 {
			if x.isGormModel(f.Type) {
				for _, c := range gormModelColumns {
					cols = uniq(cols, prefix+c)
				}
				continue
			}
			if inner, ok := x.g.localStruct(f.Type); ok {
				cols = uniq(cols, x.columns(inner, prefix+settings["EMBEDDEDPREFIX"], depth+1)...)
			}
			continue
		}
		if _, ok := settings["EMBEDDED"]; ok {
			if inner, ok := x.g.localStruct(f.Type); ok {
				cols = uniq(cols, x.columns(inner, prefix+settings["EMBEDDEDPREFIX"], depth+1)...)
			}
			continue
		}
		for _, n := range f.Names {
			if !n.IsExported() || !x.isColumn(f.Type, settings, names[n.Name+"ID"]) {
				continue
			}
			col := settings["COLUMN"]
			if col == "" {
				col = x.ns.ColumnName("", n.Name)
			}
			cols = uniq(cols, prefix+col)
		}
	}
	return cols
}

var goBasicTypes = map[string]bool{
	"string": true, "bool": true, "byte": true, "rune": true,
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"float32": true, "float64": true,
}

// isColumn decides whether a named field maps a column or an association.
func (x *gormFile) isColumn(t ast.Expr, settings map[string]string, hasIDSibling bool) bool {
	for _, k := range []string{"FOREIGNKEY", "REFERENCES", "MANY2MANY", "POLYMORPHIC", "JOINFOREIGNKEY", "JOINREFERENCES"} {
		if _, ok := settings[k]; ok {
			return false
		}
	}
	_, typed := settings["TYPE"]
	_, serialized := settings["SERIALIZER"]
	if typed || serialized {
		return true
	}
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch t := t.(type) {
	case *ast.ArrayType:
		id, ok := t.Elt.(*ast.Ident)
		return ok && (id.Name == "byte" || id.Name == "uint8")
	case *ast.MapType, *ast.FuncType, *ast.ChanType, *ast.InterfaceType, *ast.StructType:
		return false
	case *ast.Ident:
		if goBasicTypes[t.Name] {
			return true
		}
		if _, ok := x.g.structType(t.Name); ok {
			// A struct with its own Scan method is a column type.
			_, scanner := x.g.methods[t.Name]["Scan"]
			return scanner
		}
		return !hasIDSibling
	case *ast.SelectorExpr:
		return !hasIDSibling
	}
	return !hasIDSibling
}
