package golang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/source"
)

// goFile is one parsed Go file.
type goFile struct {
	path string
	src  *source.File
	fset *token.FileSet
	ast  *ast.File
	strs *lang.GoStrings
	// syntax is go/parser's error, if any: the file still yields what
	// the parser recovered.
	syntax error

	funcs map[string]*ast.FuncDecl // top-level functions (not methods)
	vars  map[string]ast.Expr      // package-level var and const values
	nodes map[[2]int]ast.Node      // by byte range, built by nodeAt
}

func parseFile(p string, text []byte) *goFile {
	return parseSource(source.NewFile(p, text))
}

func parseSource(sf *source.File) *goFile {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, sf.Path, sf.Text, parser.SkipObjectResolution|parser.ParseComments)
	if file == nil {
		file = &ast.File{Name: ast.NewIdent("_")}
		fset.AddFile(sf.Path, -1, len(sf.Text))
	}
	g := &goFile{path: sf.Path, src: sf, fset: fset, ast: file, syntax: err, funcs: map[string]*ast.FuncDecl{}, vars: map[string]ast.Expr{}}
	if fset.File(file.Pos()) != nil {
		g.strs = lang.NewGoStrings(fset, file, sf.Text)
	}
	for _, d := range file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Body != nil {
				g.funcs[d.Name.Name] = d
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR && d.Tok != token.CONST {
				continue
			}
			lang.GoValues(d, g.vars)
		}
	}
	return g
}

// off is the byte offset of a position of the file.
func (g *goFile) off(p token.Pos) int {
	tf := g.fset.File(p)
	if tf == nil || !p.IsValid() {
		return 0
	}
	return tf.Offset(p)
}

// span is the span of a node.
func (g *goFile) span(n ast.Node) source.Span {
	return g.src.Span(g.off(n.Pos()), g.off(n.End()))
}

// text is the source of a node, on one line and shortened, for messages.
func (g *goFile) text(n ast.Node) string {
	s := strings.Join(strings.Fields(string(g.src.Text[g.off(n.Pos()):g.off(n.End())])), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// importName is the name a file uses for the package at an import path
// that ends with suffix, or "" when it does not import it.
func (g *goFile) importName(suffix ...string) string {
	for _, im := range g.ast.Imports {
		p := strings.Trim(im.Path.Value, "`\"")
		for _, s := range suffix {
			if !strings.Contains(p, s) {
				continue
			}
			if im.Name != nil {
				return im.Name.Name
			}
			base := path.Base(p)
			if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
				base = path.Base(path.Dir(p)) // github.com/pressly/goose/v3
			}
			return base
		}
	}
	return ""
}

// nodeAt finds the outermost node of the file that covers exactly
// [start, end). The index is built on first use: a list's migrations
// each look up their element in the same file.
func (g *goFile) nodeAt(start, end int) ast.Node {
	if g.nodes == nil {
		g.nodes = map[[2]int]ast.Node{}
		ast.Inspect(g.ast, func(n ast.Node) bool {
			if n == nil {
				return false
			}
			if _, isFile := n.(*ast.File); !isFile {
				k := [2]int{g.off(n.Pos()), g.off(n.End())}
				if _, seen := g.nodes[k]; !seen {
					g.nodes[k] = n
				}
			}
			return true
		})
	}
	return g.nodes[[2]int{start, end}]
}

// goFiles lists the non-test Go files directly in dir, sorted.
func goFiles(fsys fs.FS, dir string) []string {
	return migration.Files(fsys, dir, func(n string) bool {
		return strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go")
	})
}

// reader reads the Go files of one directory, recording those it cannot
// use.
type reader struct {
	fsys fs.FS
	opt  migration.Options
	set  *migration.Set
}

func (r *reader) read(p string) *goFile {
	text, reason := migration.ReadText(r.fsys, p, r.opt.MaxFileSize)
	if reason != "" {
		r.set.Skipped = append(r.set.Skipped, migration.Skipped{Path: p, Reason: reason})
		return nil
	}
	return parseFile(p, text)
}

// head is the start of a file, where its imports, registration or up()
// are; nil when it cannot be read.
func head(fsys fs.FS, p string) []byte { return migration.ReadHead(fsys, p, 16<<10) }

// execNames are the methods of database/sql, sqlx, pgx, go-pg, bun and
// GORM handles whose first string argument is SQL they run.
var execNames = map[string]bool{
	"Exec": true, "ExecContext": true, "MustExec": true, "MustExecContext": true,
	"Query": true, "QueryContext": true, "QueryRow": true, "QueryRowContext": true,
	"Queryx": true, "QueryRowx": true, "QueryxContext": true, "QueryRowxContext": true,
	"Raw": true, "NewRaw": true, "Prepare": true, "PrepareContext": true,
	"ExecOne": true, "QueryOne": true,
}

// runsSQL reports whether a function body calls one of execNames.
func runsSQL(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && execNames[sel.Sel.Name] && len(c.Args) > 0 {
				found = true
			}
		}
		return true
	})
	return found
}

// typeName is the source of a type expression ("*sql.Tx").
func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return "*" + typeName(e.X)
	case *ast.SelectorExpr:
		return typeName(e.X) + "." + e.Sel.Name
	case *ast.Ident:
		return e.Name
	case *ast.IndexExpr:
		return typeName(e.X)
	}
	return ""
}

// isContext reports a context.Context parameter type.
func isContext(t ast.Expr) bool { return typeName(t) == "context.Context" }

// isHandleType reports a parameter type that is a database handle: not
// a context, not a basic type.
func isHandleType(t ast.Expr) bool {
	n := typeName(t)
	if n == "" || isContext(t) {
		return false
	}
	switch strings.TrimPrefix(n, "*") {
	case "string", "int", "int64", "int32", "bool", "error", "any", "byte", "float64":
		return false
	}
	return true
}

// transactionalParams reports whether a migration function's handle
// parameter is a transaction (*sql.Tx, pgx.Tx, *sqlx.Tx, bun.Tx): the
// runner then runs it inside one.
func transactionalParams(ft *ast.FuncType) bool {
	if ft == nil || ft.Params == nil {
		return false
	}
	for _, f := range ft.Params.List {
		if n := typeName(f.Type); isHandleType(f.Type) && strings.HasSuffix(n, "Tx") {
			return true
		}
	}
	return false
}
