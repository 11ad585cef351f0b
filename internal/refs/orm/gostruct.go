package orm

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// goFile is the part of a Go file the struct-tag extractors read.
type goFile struct {
	fset    *token.FileSet
	file    *ast.File
	f       *source.File
	imports map[string]string // local name -> import path
	types   map[string]*ast.TypeSpec
	order   []*ast.TypeSpec // struct types in source order
	consts  map[string]string
	methods map[string]map[string]*ast.FuncDecl // receiver type -> method name -> decl
}

// matchGo reads Go files that are not tests, generated mocks or vendored.
func matchGo(p string) bool {
	return strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") && !excludedDir(p)
}

// readGoFile parses src. A file with syntax errors yields the
// declarations that parsed; only a file without a package clause is an
// error.
func readGoFile(p string, src []byte) (*goFile, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, p, src, parser.SkipObjectResolution)
	if file == nil || file.Name == nil || file.Name.Name == "" {
		if err == nil {
			err = fmt.Errorf("no package clause")
		}
		return nil, err
	}
	g := &goFile{
		fset:    fset,
		file:    file,
		f:       source.NewFile(p, src),
		imports: map[string]string{},
		types:   map[string]*ast.TypeSpec{},
		consts:  map[string]string{},
		methods: map[string]map[string]*ast.FuncDecl{},
	}
	for _, imp := range file.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		name := path[strings.LastIndexByte(path, '/')+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		g.imports[name] = path
	}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					g.types[s.Name.Name] = s
					if _, ok := s.Type.(*ast.StructType); ok {
						g.order = append(g.order, s)
					}
				case *ast.ValueSpec:
					if d.Tok != token.CONST {
						continue
					}
					for i, n := range s.Names {
						if i < len(s.Values) {
							if v, ok := stringLit(s.Values[i]); ok {
								g.consts[n.Name] = v
							}
						}
					}
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 {
				continue
			}
			recv := typeName(d.Recv.List[0].Type)
			if recv == "" {
				continue
			}
			if g.methods[recv] == nil {
				g.methods[recv] = map[string]*ast.FuncDecl{}
			}
			g.methods[recv][d.Name.Name] = d
		}
	}
	return g, nil
}

// readGoFileIf parses src when it contains marker (an import path or a
// tag key the extractor needs); nil without error otherwise.
func readGoFileIf(p string, src []byte, marker string) (*goFile, error) {
	if !bytes.Contains(src, []byte(marker)) {
		return nil, nil
	}
	return readGoFile(p, src)
}

// goStructs returns the extractor of a struct-tag ORM: it reads Go files
// other than tests, parses those that contain marker (an import path or
// a tag key the ORM needs) and asks refsOf for the references of each
// struct type, in source order.
func goStructs(orm refs.Source, marker string, refsOf structRefs) refs.Extractor {
	extract := func(p string, src []byte) ([]refs.Reference, error) {
		return goStructRefs(p, src, marker, refsOf)
	}
	return &extractor{name: string(orm), match: matchGo, extract: extract}
}

// structRefs gives the references of one struct type of a Go file.
type structRefs func(gf *goFile, ts *ast.TypeSpec, st *ast.StructType) []refs.Reference

// goStructRefs reads the Go file p when it mentions marker and gathers
// the references refsOf gives for each of its struct types.
func goStructRefs(p string, src []byte, marker string, refsOf structRefs) ([]refs.Reference, error) {
	gf, err := readGoFileIf(p, src, marker)
	if gf == nil {
		return nil, err
	}
	var out []refs.Reference
	for _, ts := range gf.order {
		out = append(out, refsOf(gf, ts, ts.Type.(*ast.StructType))...)
	}
	return out, nil
}

// typeName returns T for T, *T and generic T[X]; "" otherwise.
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return typeName(e.X)
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return typeName(e.X)
	case *ast.IndexListExpr:
		return typeName(e.X)
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// offset returns the byte offset of pos in the file.
func (g *goFile) offset(pos token.Pos) int {
	return g.fset.Position(pos).Offset
}

// tag returns the value of key in a field's struct tag.
func fieldTag(f *ast.Field, key string) (string, bool) {
	if f.Tag == nil {
		return "", false
	}
	s, err := strconv.Unquote(f.Tag.Value)
	if err != nil {
		return "", false
	}
	return lookupTag(s, key)
}

// lookupTag is reflect.StructTag.Lookup on a tag string.
func lookupTag(tag, key string) (string, bool) {
	for tag != "" {
		i := 0
		for i < len(tag) && tag[i] == ' ' {
			i++
		}
		tag = tag[i:]
		if tag == "" {
			break
		}
		i = 0
		for i < len(tag) && tag[i] > ' ' && tag[i] != ':' && tag[i] != '"' && tag[i] != 0x7f {
			i++
		}
		if i == 0 || i+1 >= len(tag) || tag[i] != ':' || tag[i+1] != '"' {
			break
		}
		name := tag[:i]
		tag = tag[i+1:]
		i = 1
		for i < len(tag) && tag[i] != '"' {
			if tag[i] == '\\' {
				i++
			}
			i++
		}
		if i >= len(tag) {
			break
		}
		qvalue := tag[:i+1]
		tag = tag[i+1:]
		if key == name {
			value, err := strconv.Unquote(qvalue)
			if err != nil {
				break
			}
			return value, true
		}
	}
	return "", false
}

// localStruct returns the struct type a field's type (T or *T) names in
// the file.
func (g *goFile) localStruct(e ast.Expr) (*ast.StructType, bool) {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return nil, false
	}
	return g.structType(id.Name)
}

// structType returns the struct type declared as name in the file.
func (g *goFile) structType(name string) (*ast.StructType, bool) {
	ts, ok := g.types[name]
	if !ok {
		return nil, false
	}
	st, ok := ts.Type.(*ast.StructType)
	return st, ok
}
