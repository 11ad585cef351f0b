package golang

import (
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// A Go migration list: a slice or map literal whose elements are
// migration functions (var migrations = []func(tx *sql.Tx) error{...}),
// or structs with an up function or up SQL (lopezator/migrator's
// &migrator.Migration{Name, Func}, rubenv/sql-migrate's
// &migrate.Migration{Id, Up: []string{...}}, gormigrate's {ID, Migrate},
// darwin's {Version, Script}); also the struct arguments of a call such
// as migrator.Migrations(...).

// list is one migration list.
type list struct {
	name  string
	file  *goFile
	isMap bool
	elems []element
}

// element is one migration of a list.
type element struct {
	node ast.Expr // as written
	// up is what runs when the migration is applied: a *ast.FuncLit, an
	// *ast.FuncDecl (in upFile) or an expression of SQL strings; nil
	// when the element is not code schemagate can read.
	up      ast.Node
	upFile  *goFile
	version string // from a map key or a Version/ID field; "" for the position
	name    string
	tx      bool
}

// pkg is the Go files of one directory with their functions.
type pkg struct {
	files []*goFile
	funcs map[string]funcRef
}

type funcRef struct {
	file *goFile
	decl *ast.FuncDecl
}

func newPkg(files []*goFile) *pkg {
	p := &pkg{files: files, funcs: map[string]funcRef{}}
	for _, f := range files {
		for name, fd := range f.funcs {
			p.funcs[name] = funcRef{f, fd}
		}
	}
	return p
}

// versionFields and nameFields name the struct fields that carry a
// migration's version and description.
var (
	versionFields = []string{"Version", "ID", "Id", "Key", "Seq"}
	nameFields    = []string{"Name", "Description", "Desc", "Comment", "Title"}
	sqlFields     = []string{"Up", "UpSQL", "SQL", "Script", "Query", "Statements", "Upgrade", "Forward"}
	noTxFields    = []string{"DisableTransactionUp", "DisableTransaction", "NoTx", "NoTransaction"}
)

// lists finds the migration lists of the package, in file order.
func (p *pkg) lists() []*list {
	var out []*list
	for _, f := range p.files {
		var stack []ast.Node
		ast.Inspect(f.ast, func(n ast.Node) bool {
			if n == nil {
				stack = stack[:len(stack)-1]
				return false
			}
			stack = append(stack, n)
			var l *list
			switch n := n.(type) {
			case *ast.CompositeLit:
				l = p.literalList(f, n)
			case *ast.CallExpr:
				l = p.callList(f, n)
			}
			if l == nil {
				return true
			}
			l.name = listName(stack)
			out = append(out, l)
			// The list's own elements are not lists.
			stack = stack[:len(stack)-1]
			return false
		})
	}
	return out
}

// listName is the name of the variable or function that holds a list.
func listName(stack []ast.Node) string {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.ValueSpec:
			if len(n.Names) > 0 {
				return n.Names[0].Name
			}
		case *ast.AssignStmt:
			if id, ok := n.Lhs[0].(*ast.Ident); ok {
				return id.Name
			}
		case *ast.FuncDecl:
			return n.Name.Name
		}
	}
	return "migrations"
}

// literalList reads a slice, array or map literal as a list.
func (p *pkg) literalList(f *goFile, lit *ast.CompositeLit) *list {
	isMap := false
	switch lit.Type.(type) {
	case *ast.ArrayType:
	case *ast.MapType:
		isMap = true
	default:
		return nil
	}
	l := &list{file: f, isMap: isMap}
	found := 0
	for _, el := range lit.Elts {
		var key string
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			key = keyText(f, kv.Key)
			el = kv.Value
		}
		e, ok := p.element(f, el)
		if ok {
			found++
		}
		if isMap {
			e.version = key
			if e.name == "" {
				e.name = key
			}
		}
		l.elems = append(l.elems, e)
	}
	if found == 0 {
		return nil
	}
	return l
}

// callList reads the arguments of a call that are all migration structs
// (migrator.Migrations(&migrator.Migration{...}, ...)).
func (p *pkg) callList(f *goFile, c *ast.CallExpr) *list {
	if len(c.Args) == 0 {
		return nil
	}
	l := &list{file: f}
	for _, a := range c.Args {
		if _, ok := unwrapStruct(a); !ok {
			return nil
		}
		e, ok := p.element(f, a)
		if !ok {
			return nil
		}
		l.elems = append(l.elems, e)
	}
	return l
}

func unwrapStruct(e ast.Expr) (*ast.CompositeLit, bool) {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok || len(lit.Elts) == 0 {
		return nil, false
	}
	for _, el := range lit.Elts {
		if _, ok := el.(*ast.KeyValueExpr); !ok {
			return nil, false
		}
	}
	return lit, true
}

// keyText is a map key's value: a number or string literal, else its
// source.
func keyText(f *goFile, e ast.Expr) string {
	if lit, ok := e.(*ast.BasicLit); ok {
		if lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				return s
			}
		}
		return lit.Value
	}
	if f.strs != nil {
		if v, ok := f.strs.Value(e, nil); ok && v.Holes == 0 {
			return v.Text
		}
	}
	return f.text(e)
}

// element reads one element of a list; ok is false when it is not a
// migration schemagate recognises (it is still one of the list).
func (p *pkg) element(f *goFile, e ast.Expr) (element, bool) {
	el := element{node: e, upFile: f}
	switch x := e.(type) {
	case *ast.FuncLit:
		if hasHandle(x.Type) && runsSQL(x.Body) {
			el.up, el.tx = x, transactionalParams(x.Type)
			return el, true
		}
		return el, false
	case *ast.Ident:
		if ref, ok := p.funcs[x.Name]; ok && runsSQL(ref.decl.Body) {
			el.up, el.upFile, el.tx, el.name = ref.decl, ref.file, transactionalParams(ref.decl.Type), x.Name
			return el, true
		}
		return el, false
	}
	lit, ok := unwrapStruct(e)
	if !ok {
		return el, false
	}
	fields := map[string]ast.Expr{}
	for _, kv := range lit.Elts {
		if k, ok := kv.(*ast.KeyValueExpr).Key.(*ast.Ident); ok {
			fields[k.Name] = kv.(*ast.KeyValueExpr).Value
		}
	}
	for _, k := range versionFields {
		if v, ok := fields[k]; ok {
			el.version = keyText(f, v)
			break
		}
	}
	for _, k := range nameFields {
		if v, ok := fields[k]; ok {
			el.name = keyText(f, v)
			break
		}
	}
	el.tx = !strings.Contains(typeName(lit.Type), "NoTx")
	for _, k := range noTxFields {
		if v, ok := fields[k].(*ast.Ident); ok && v.Name == "true" {
			el.tx = false
		}
	}
	for _, k := range upFuncFields {
		v, ok := fields[k]
		if !ok {
			continue
		}
		switch fn := v.(type) {
		case *ast.FuncLit:
			if runsSQL(fn.Body) {
				el.up = fn
				el.tx = el.tx && transactionalParams(fn.Type)
				return el, true
			}
		case *ast.Ident:
			if ref, ok := p.funcs[fn.Name]; ok && runsSQL(ref.decl.Body) {
				el.up, el.upFile = ref.decl, ref.file
				el.tx = el.tx && transactionalParams(ref.decl.Type)
				return el, true
			}
		}
	}
	for _, k := range sqlFields {
		if v, ok := fields[k]; ok && sqlStrings(f, v) {
			el.up = v
			return el, true
		}
	}
	return el, false
}

// hasHandle reports a function type with a database handle parameter.
func hasHandle(ft *ast.FuncType) bool {
	if ft.Params == nil {
		return false
	}
	for _, p := range ft.Params.List {
		if isHandleType(p.Type) {
			return true
		}
	}
	return false
}

// sqlStrings reports a string expression, or a slice literal of them,
// that holds SQL.
func sqlStrings(f *goFile, e ast.Expr) bool {
	if f.strs == nil {
		return false
	}
	if lit, ok := e.(*ast.CompositeLit); ok {
		for _, el := range lit.Elts {
			if sqlStrings(f, el) {
				return true
			}
		}
		return false
	}
	v, ok := f.strs.Value(e, nil)
	return ok && strings.TrimSpace(v.Text) != ""
}
