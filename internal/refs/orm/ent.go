package orm

import (
	"bytes"
	"go/ast"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// Ent extracts one reference per ent schema: a struct embedding
// ent.Schema. Usage Model (ent's generated queries select and write
// every column of the type); Table = entsql.Annotation{Table: ...},
// else the type name pluralized and snake_cased as ent does (UserProfile
// -> user_profiles); Columns = "id", the fields of its mixins
// (mixin.Time: create_time, update_time; local mixins' Fields()), its
// own fields (field.String("name"), or .StorageKey("col")), and the
// foreign keys its edges put in its table: the column an edge names with
// .Field() or .StorageKey(edge.Column()), else ent's default
// <owner>_<edge> (a To edge's owner type snake_cased, the edge name),
// held by the many side (or by the inverse side of a one-to-one).
// Many-to-many join tables are not emitted.
//
// A schema's edges and mixins live in other files of the schema
// package, so the extractor reads a package's files together.
var Ent refs.FilesExtractor = &program{
	name:    string(refs.Ent),
	match:   matchGo,
	extract: entSchemas,
}

type entEdge struct {
	name, target string
	from         bool // edge.From: the inverse
	ref          string
	unique       bool
	field        string // .Field("col") or .StorageKey(edge.Column("col"))
}

type entType struct {
	name    string
	file    *goFile
	off     int
	table   string
	columns []string
	edges   []entEdge
}

var entBuiltinMixins = map[string][]string{
	"Time": {"create_time", "update_time"}, "CreateTime": {"create_time"}, "UpdateTime": {"update_time"},
}

// entSchemas reads the schema packages among files.
func entSchemas(files []*source.File) ([]refs.Reference, error) {
	parsed, firstErr := parseFiles(files, func(f *source.File) (*goFile, error) {
		if !bytes.Contains(f.Text, []byte("entgo.io/ent")) {
			return nil, nil
		}
		return readGoFile(f.Path, f.Text)
	})
	byDir := map[string][]*goFile{}
	var dirs []string
	for _, gf := range parsed {
		d := path.Dir(gf.f.Path)
		if byDir[d] == nil {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], gf)
	}
	var out []refs.Reference
	for _, d := range dirs {
		out = append(out, entPackage(byDir[d])...)
	}
	return out, firstErr
}

// embeds reports whether a struct embeds pkg.Name where pkg is imported
// from an entgo.io path with the given suffix.
func embeds(gf *goFile, st *ast.StructType, pathSuffix, name string) bool {
	for _, f := range st.Fields.List {
		if len(f.Names) != 0 {
			continue
		}
		sel, ok := f.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != name {
			continue
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && strings.HasPrefix(gf.imports[pkg.Name], "entgo.io/ent") && strings.HasSuffix(gf.imports[pkg.Name], pathSuffix) {
			return true
		}
	}
	return false
}

// entMerge gathers the methods and constants of a package's files: a
// schema's Fields, Edges and Annotations, and the constants they use, may
// be declared in any file of the package.
func entMerge(files []*goFile) *goFile {
	pkg := &goFile{consts: map[string]string{}, methods: map[string]map[string]*ast.FuncDecl{}}
	for _, gf := range files {
		for k, v := range gf.consts {
			pkg.consts[k] = v
		}
		for typ, ms := range gf.methods {
			if pkg.methods[typ] == nil {
				pkg.methods[typ] = map[string]*ast.FuncDecl{}
			}
			for name, fd := range ms {
				pkg.methods[typ][name] = fd
			}
		}
	}
	return pkg
}

func entPackage(files []*goFile) []refs.Reference {
	var types []*entType
	byName := map[string]*entType{}
	pkg := entMerge(files)
	mixins := map[string]*ast.FuncDecl{} // local mixin type -> its Fields()
	for _, gf := range files {
		for _, ts := range gf.order {
			st := ts.Type.(*ast.StructType)
			if embeds(gf, st, "schema/mixin", "Schema") {
				if fd := pkg.methods[ts.Name.Name]["Fields"]; fd != nil {
					mixins[ts.Name.Name] = fd
				}
			}
		}
	}
	for _, gf := range files {
		for _, ts := range gf.order {
			st := ts.Type.(*ast.StructType)
			if !embeds(gf, st, "ent", "Schema") {
				continue
			}
			t := &entType{name: ts.Name.Name, file: gf, off: gf.offset(ts.Pos())}
			t.table = entTable(pkg, ts.Name.Name)
			cols := []string{"id"}
			if fd := pkg.methods[t.name]["Mixin"]; fd != nil {
				for _, el := range returnedElements(fd) {
					lit, ok := el.(*ast.CompositeLit)
					if !ok {
						continue
					}
					switch typ := lit.Type.(type) {
					case *ast.SelectorExpr:
						cols = uniq(cols, entBuiltinMixins[typ.Sel.Name]...)
					case *ast.Ident:
						if fd := mixins[typ.Name]; fd != nil {
							cols = uniq(cols, entFields(pkg, fd)...)
						}
					}
				}
			}
			if fd := pkg.methods[t.name]["Fields"]; fd != nil {
				cols = uniq(cols, entFields(pkg, fd)...)
			}
			t.columns = cols
			if fd := pkg.methods[t.name]["Edges"]; fd != nil {
				t.edges = entEdges(pkg, fd)
			}
			types = append(types, t)
			byName[t.name] = t
		}
	}
	// Foreign keys: pair each To edge with its inverse From edge.
	for _, a := range types {
		for _, e := range a.edges {
			if e.from {
				continue
			}
			b := byName[e.target]
			if b == nil {
				continue
			}
			var inv *entEdge
			for i := range b.edges {
				if be := b.edges[i]; be.from && be.ref == e.name && be.target == a.name {
					inv = &b.edges[i]
				}
			}
			col := e.field
			if inv != nil && inv.field != "" {
				col = inv.field
			}
			if col == "" {
				col = entSnake(a.name) + "_" + entSnake(e.name)
			}
			switch {
			case inv != nil && !e.unique && !inv.unique: // many-to-many: a join table
			case e.unique && inv != nil && !inv.unique: // many-to-one from the To side
				a.columns = uniq(a.columns, col)
			case e.unique && inv == nil && a != b: // M2O without an inverse: the key is ours
				a.columns = uniq(a.columns, col)
			default: // one-to-many, one-to-one: the key is on the target
				b.columns = uniq(b.columns, col)
			}
		}
	}
	var out []refs.Reference
	for _, t := range types {
		r := newRef(t.file.f, refs.Ent, t.off, t.table)
		r.Columns = t.columns
		out = append(out, r)
	}
	return out
}

// entTable returns the table of a schema type: its entsql annotation,
// else ent's default.
func entTable(gf *goFile, name string) string {
	if fd := gf.methods[name]["Annotations"]; fd != nil {
		for _, el := range returnedElements(fd) {
			if lit, ok := el.(*ast.CompositeLit); ok {
				if sel, ok := lit.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Annotation" {
					for _, kv := range lit.Elts {
						if kv, ok := kv.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Table" {
								if s, ok := goString(gf, kv.Value); ok {
									return s
								}
							}
						}
					}
				}
			}
		}
	}
	return entSnake(inflect.Default().Pluralize(name))
}

// returnedElements returns the elements of the slice literal a method
// returns: return []ent.Field{...}.
func returnedElements(fd *ast.FuncDecl) []ast.Expr {
	if fd.Body == nil {
		return nil
	}
	var out []ast.Expr
	for _, st := range fd.Body.List {
		ret, ok := st.(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 1 {
			continue
		}
		if lit, ok := ret.Results[0].(*ast.CompositeLit); ok {
			out = append(out, lit.Elts...)
		}
	}
	return out
}

// goString returns a string literal or a constant of the file.
func goString(gf *goFile, e ast.Expr) (string, bool) {
	if s, ok := stringLit(e); ok {
		return s, true
	}
	if id, ok := e.(*ast.Ident); ok {
		s, ok := gf.consts[id.Name]
		return s, ok
	}
	return "", false
}

// goCall is one call of a builder chain: pkg.Func(args) or .Method(args).
type goCall struct {
	pkg, name string
	args      []ast.Expr
}

// goChain unrolls field.String("x").Optional().StorageKey("y") into its
// calls, innermost first.
func goChain(e ast.Expr) []goCall {
	var out []goCall
	for depth := 0; depth < 64; depth++ {
		call, ok := e.(*ast.CallExpr)
		if !ok {
			break
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			break
		}
		c := goCall{name: sel.Sel.Name, args: call.Args}
		if id, ok := sel.X.(*ast.Ident); ok {
			c.pkg = id.Name
			out = append(out, c)
			break
		}
		out = append(out, c)
		e = sel.X
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// entFields returns the columns of a Fields() method.
func entFields(gf *goFile, fd *ast.FuncDecl) []string {
	var cols []string
	for _, el := range returnedElements(fd) {
		chain := goChain(el)
		if len(chain) == 0 || chain[0].pkg != "field" || len(chain[0].args) == 0 {
			continue
		}
		name, ok := goString(gf, chain[0].args[0])
		if !ok {
			continue
		}
		col := name
		for _, c := range chain[1:] {
			if c.name == "StorageKey" && len(c.args) == 1 {
				if s, ok := goString(gf, c.args[0]); ok {
					col = s
				}
			}
		}
		cols = uniq(cols, col)
	}
	return cols
}

// entEdges reads an Edges() method.
func entEdges(gf *goFile, fd *ast.FuncDecl) []entEdge {
	var out []entEdge
	for _, el := range returnedElements(fd) {
		chain := goChain(el)
		if len(chain) == 0 || chain[0].pkg != "edge" || len(chain[0].args) < 2 {
			continue
		}
		e := entEdge{from: chain[0].name == "From"}
		if chain[0].name != "To" && !e.from {
			continue
		}
		e.name, _ = goString(gf, chain[0].args[0])
		if sel, ok := chain[0].args[1].(*ast.SelectorExpr); ok && sel.Sel.Name == "Type" {
			if id, ok := sel.X.(*ast.Ident); ok {
				e.target = id.Name
			}
		}
		for _, c := range chain[1:] {
			switch c.name {
			case "Ref":
				if len(c.args) == 1 {
					e.ref, _ = goString(gf, c.args[0])
				}
			case "Unique":
				e.unique = true
			case "Field":
				if len(c.args) == 1 {
					e.field, _ = goString(gf, c.args[0])
				}
			case "StorageKey":
				for _, a := range c.args {
					if sk := goChain(a); len(sk) == 1 && sk[0].name == "Column" && len(sk[0].args) == 1 {
						e.field, _ = goString(gf, sk[0].args[0])
					}
				}
			}
		}
		out = append(out, e)
	}
	return out
}
