package golang

import (
	"go/ast"
	"go/token"
	"regexp"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// File names of migrations that are one Go file each.
var (
	// goose: <version>_<name>.go, the version a positive integer.
	gooseName = regexp.MustCompile(`^0*([1-9][0-9]*)_(.+)\.go$`)
	// versioned files: v2.1.0.go, 0003_add_email.go, 1_initial.go
	// (go-pg), 20240101120000_x.go.
	versionedName = regexp.MustCompile(`^[vV]?([0-9]+(?:\.[0-9]+)*)(?:[_-](.+))?\.go$`)
)

// upRef is a function a single-file migration runs when applied.
type upRef struct {
	fn ast.Expr // a *ast.FuncLit or an *ast.Ident naming a function of the file
	at ast.Node // where it is registered, for notes
}

// registration is what a file's registration calls say.
type registration struct {
	ups []upRef
	// tx is set when the call's name says whether the runner wraps the
	// migration in a transaction (goose's NoTx variants, go-pg's
	// RegisterTx).
	tx *bool
}

// upFuncFields are the struct fields that hold the up function of a
// migration, in the order they are looked for.
var upFuncFields = []string{"Up", "Func", "Migrate", "Apply", "Run", "UpFn", "UpFunc", "Forward", "Upgrade", "RunTx", "RunDB"}

var upFuncNames = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range upFuncFields {
		m[f] = true
	}
	return m
}()

// registrations finds how the file registers its migration: goose's
// AddMigration family, go-pg's (Must)Register(Tx), and any other call in
// init() handed one or two functions of the file (up, down), or a
// struct literal with an Up field.
func (g *goFile) registrations() registration {
	var reg registration
	goose := g.importName("pressly/goose")
	gopg := g.importName("go-pg/migrations")
	g.registering(func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			sel, _ := n.Fun.(*ast.SelectorExpr)
			pkg := ""
			name := ""
			if sel != nil {
				name = sel.Sel.Name
				if id, ok := sel.X.(*ast.Ident); ok {
					pkg = id.Name
				}
			}
			switch {
			case goose != "" && pkg == goose && (strings.HasPrefix(name, "AddMigration") || strings.HasPrefix(name, "AddNamedMigration")):
				args := n.Args
				if strings.HasPrefix(name, "AddNamed") && len(args) > 0 {
					args = args[1:]
				}
				if len(args) > 0 {
					reg.ups = append(reg.ups, upRef{args[0], n})
				}
				tx := !strings.Contains(name, "NoTx")
				reg.tx = &tx
				return false
			case gopg != "" && pkg == gopg && (strings.HasSuffix(name, "Register") || strings.HasSuffix(name, "RegisterTx")):
				if len(n.Args) > 0 {
					reg.ups = append(reg.ups, upRef{n.Args[0], n})
				}
				tx := strings.HasSuffix(name, "Tx")
				reg.tx = &tx
				return false
			}
		case *ast.CompositeLit:
			for _, el := range n.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if k, ok := kv.Key.(*ast.Ident); ok && upFuncNames[k.Name] && g.isFunc(kv.Value) {
					reg.ups = append(reg.ups, upRef{kv.Value, kv})
					if k.Name == "RunTx" || k.Name == "RunDB" {
						tx := k.Name == "RunTx"
						reg.tx = &tx
					}
				}
			}
		}
		return true
	})
	if len(reg.ups) > 0 {
		return reg
	}
	// init() { register("2.1.0", up, down) }
	if in := g.funcs["init"]; in != nil {
		ast.Inspect(in.Body, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fns []ast.Expr
			for _, a := range c.Args {
				if g.isFunc(a) {
					fns = append(fns, a)
				}
			}
			if len(fns) == 1 || len(fns) == 2 {
				reg.ups = append(reg.ups, upRef{fns[0], c})
				return false
			}
			return true
		})
	}
	return reg
}

// registering inspects the code that registers a file's migration: its
// package-level var declarations and init().
func (g *goFile) registering(fn func(ast.Node) bool) {
	for _, d := range g.ast.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				ast.Inspect(d, fn)
			}
		case *ast.FuncDecl:
			if d.Name.Name == "init" && d.Recv == nil && d.Body != nil {
				ast.Inspect(d.Body, fn)
			}
		}
	}
}

// isFunc reports a function literal or the name of a function of the
// file.
func (g *goFile) isFunc(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		return g.funcs[e.Name] != nil
	}
	return false
}

// downName reports a function named like the down part of a migration.
func downName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"down", "rollback", "revert", "undo"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// entryFuncs are the functions of a file with no registration that run
// when it is applied: top-level functions and methods not named like a
// down migration, not init, and not called by another of them (helpers
// are followed from their callers).
func (g *goFile) entryFuncs() []*ast.FuncDecl {
	var cands []*ast.FuncDecl
	for _, d := range g.ast.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || fd.Name.Name == "init" || downName(fd.Name.Name) {
			continue
		}
		cands = append(cands, fd)
	}
	called := map[string]bool{}
	for _, fd := range cands {
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok {
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name != fd.Name.Name {
					called[id.Name] = true
				}
			}
			return true
		})
	}
	var out []*ast.FuncDecl
	for _, fd := range cands {
		if fd.Recv == nil && called[fd.Name.Name] {
			continue
		}
		out = append(out, fd)
	}
	return out
}

// funcOf returns the type and body of an up reference, or nil.
func (g *goFile) funcOf(e ast.Expr) (*ast.FuncType, *ast.BlockStmt) {
	switch e := e.(type) {
	case *ast.FuncLit:
		return e.Type, e.Body
	case *ast.Ident:
		if fd := g.funcs[e.Name]; fd != nil {
			return fd.Type, fd.Body
		}
	}
	return nil, nil
}

// singleTransactional says whether the runner wraps a single-file
// migration in a transaction: as its registration says, else when its
// up function takes a transaction.
func (g *goFile) singleTransactional() bool {
	reg := g.registrations()
	if reg.tx != nil {
		return *reg.tx
	}
	for _, u := range reg.ups {
		if ft, _ := g.funcOf(u.fn); ft != nil {
			return transactionalParams(ft)
		}
	}
	for _, fd := range g.entryFuncs() {
		if transactionalParams(fd.Type) {
			return true
		}
	}
	return false
}

// translateSingle walks the up functions of a one-file migration.
func (g *goFile) translateSingle(w *walker) {
	reg := g.registrations()
	if len(reg.ups) > 0 {
		for _, u := range reg.ups {
			ft, body := g.funcOf(u.fn)
			if body == nil {
				if id, ok := u.fn.(*ast.Ident); ok && id.Name == "nil" {
					continue
				}
				w.rec.Unreadable(g.span(u.fn), "the migration's up function `%s` is not in this file: it is not checked", g.text(u.fn))
				continue
			}
			w.function(ft, body)
		}
		return
	}
	for _, fd := range g.entryFuncs() {
		w.function(fd.Type, fd.Body)
	}
}

// upSpan is where a one-file migration's up code starts (its first up
// function or registration), for notes about all of it.
func (g *goFile) upSpan() source.Span {
	if reg := g.registrations(); len(reg.ups) > 0 {
		return g.span(reg.ups[0].at)
	}
	if fs := g.entryFuncs(); len(fs) > 0 {
		return g.span(fs[0].Name)
	}
	return g.src.Span(0, 0)
}
