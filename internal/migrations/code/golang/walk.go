package golang

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/code/emit"
)

// walker follows the code of a Go migration function the way it runs:
// statement by statement, with the string values locals hold, through
// the file's own helper functions, and records the SQL of every call
// that executes some.
type walker struct {
	f   *goFile
	rec *emit.Recorder

	scopes   []map[string]ast.Expr // innermost last
	handles  map[string]bool       // names of database handles in scope
	prepared map[string]bool       // names of prepared statements
	cond     int                   // depth of branches decided at run time
	inlining map[*ast.FuncDecl]bool
	walked   map[ast.Node]bool // bodies whose DDL strings are recorded
	done     bool              // a return ended the function being walked
	steps    int
}

// maxSteps bounds the statements one migration walks (loops over long
// lists, deep helpers).
const maxSteps = 100_000

// maxInline bounds how deep helper functions are followed.
const maxInline = 8

func newWalker(f *goFile, rec *emit.Recorder) *walker {
	return &walker{f: f, rec: rec, handles: map[string]bool{}, prepared: map[string]bool{}, inlining: map[*ast.FuncDecl]bool{}, walked: map[ast.Node]bool{}}
}

// function walks a migration function: its handle parameters are the
// database, every other parameter is unknown.
func (w *walker) function(ft *ast.FuncType, body *ast.BlockStmt) {
	if body == nil {
		return
	}
	w.push()
	defer w.pop()
	w.params(ft, nil, nil, nil)
	w.candidates(body)
	w.done = false
	w.block(body.List)
	w.done = false
}

// params binds a function's parameters. A migration function's (args
// nil) are database handles by their type; an inlined call's are handles
// where the caller passed one of callerHandles, else hold the caller's
// values.
func (w *walker) params(ft *ast.FuncType, args, values []ast.Expr, callerHandles map[string]bool) {
	if ft == nil || ft.Params == nil {
		return
	}
	i := 0
	for _, field := range ft.Params.List {
		if len(field.Names) == 0 {
			i++
			continue
		}
		for _, n := range field.Names {
			switch {
			case args == nil && isHandleType(field.Type):
				w.handles[n.Name] = true
			case i < len(args) && isHandleIn(callerHandles, args[i]):
				w.handles[n.Name] = true
			case i < len(values):
				w.define(n.Name, values[i])
			default:
				w.define(n.Name, unknownExpr(n))
			}
			i++
		}
	}
}

// unknownExpr stands for a value only known at run time: a node that is
// not a string expression.
func unknownExpr(at ast.Node) ast.Expr { return &ast.BadExpr{From: at.Pos(), To: at.End()} }

// settle replaces a name in an argument by what it stands for here, so
// the callee reads the caller's value.
func (w *walker) settle(e ast.Expr) ast.Expr {
	if id, ok := e.(*ast.Ident); ok {
		if v := w.lookup(id); v != nil {
			return v
		}
	}
	return e
}

func (w *walker) push() { w.scopes = append(w.scopes, map[string]ast.Expr{}) }
func (w *walker) pop()  { w.scopes = w.scopes[:len(w.scopes)-1] }

// lookup finds what a name stands for: a local, then a package-level var
// or const of the file (constants are read by lang too; a var is a
// constant as far as a migration is concerned).
func (w *walker) lookup(id *ast.Ident) ast.Expr {
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if v, ok := w.scopes[i][id.Name]; ok {
			return v
		}
	}
	if v, ok := w.f.vars[id.Name]; ok {
		return v
	}
	return nil
}

func (w *walker) bind(name string, v ast.Expr) {
	if name == "_" {
		return
	}
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if _, ok := w.scopes[i][name]; ok {
			w.scopes[i][name] = v
			return
		}
	}
	w.scopes[len(w.scopes)-1][name] = v
}

func (w *walker) define(name string, v ast.Expr) {
	if name != "_" {
		w.scopes[len(w.scopes)-1][name] = v
	}
}

// candidates records the strings of a body that look like DDL.
func (w *walker) candidates(body ast.Node) {
	if w.walked[body] || w.f.strs == nil {
		return
	}
	w.walked[body] = true
	ast.Inspect(body, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		if v, ok := w.f.strs.Value(lit, nil); ok && emit.LooksLikeDDL(v.Text) {
			w.rec.Candidate(w.f.span(lit))
		}
		return true
	})
}

func (w *walker) block(list []ast.Stmt) {
	w.push()
	defer w.pop()
	for _, s := range list {
		if w.done || w.steps > maxSteps {
			return
		}
		w.stmt(s)
	}
}

// branch walks code that runs or not depending on run-time values.
func (w *walker) branch(s ast.Stmt) {
	if s == nil {
		return
	}
	w.cond++
	w.stmt(s)
	w.cond--
	w.done = false // a return in a branch does not end the function
}

// open starts the scope of an if, for or switch (closed by pop): its
// init statement, then its condition or tag.
func (w *walker) open(init ast.Stmt, cond ast.Expr) {
	w.push()
	if init != nil {
		w.stmt(init)
	}
	w.expr(cond)
}

// cases walks each case of a switch as a branch.
func (w *walker) cases(body *ast.BlockStmt) {
	for _, c := range body.List {
		if cc, ok := c.(*ast.CaseClause); ok {
			w.branch(&ast.BlockStmt{List: cc.Body})
		}
	}
}

func (w *walker) stmt(s ast.Stmt) {
	w.steps++
	switch s := s.(type) {
	case *ast.ExprStmt:
		w.expr(s.X)
	case *ast.AssignStmt:
		w.assign(s)
	case *ast.DeclStmt:
		gd, ok := s.Decl.(*ast.GenDecl)
		if !ok {
			return
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for _, v := range vs.Values {
				w.expr(v)
			}
			for i, n := range vs.Names {
				switch {
				case len(vs.Values) == len(vs.Names):
					w.define(n.Name, w.settle(vs.Values[i]))
				default:
					w.define(n.Name, unknownExpr(n))
				}
			}
		}
	case *ast.BlockStmt:
		w.block(s.List)
	case *ast.IfStmt:
		w.open(s.Init, s.Cond)
		w.branch(s.Body)
		w.branch(s.Else)
		w.pop()
	case *ast.ReturnStmt:
		for _, r := range s.Results {
			w.expr(r)
		}
		if w.cond == 0 {
			w.done = true
		}
	case *ast.RangeStmt:
		w.rangeStmt(s)
	case *ast.ForStmt:
		w.open(s.Init, s.Cond)
		w.branch(s.Body)
		w.pop()
	case *ast.SwitchStmt:
		w.open(s.Init, s.Tag)
		w.cases(s.Body)
		w.pop()
	case *ast.TypeSwitchStmt:
		w.cases(s.Body)
	case *ast.LabeledStmt:
		w.stmt(s.Stmt)
	case *ast.DeferStmt:
		w.expr(s.Call)
	case *ast.GoStmt:
		w.expr(s.Call)
	}
}

func (w *walker) assign(s *ast.AssignStmt) {
	for _, r := range s.Rhs {
		w.expr(r)
	}
	// x, err := db.BeginTx(ctx, nil) / stmt, err := tx.Prepare(...)
	if len(s.Rhs) == 1 && len(s.Lhs) >= 1 {
		if call, ok := s.Rhs[0].(*ast.CallExpr); ok && w.wraps(call) {
			if id, ok := s.Lhs[0].(*ast.Ident); ok {
				w.handles[id.Name] = true
			}
		}
		if call, ok := s.Rhs[0].(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && w.isHandle(sel.X) {
				if id, ok := s.Lhs[0].(*ast.Ident); ok {
					switch sel.Sel.Name {
					case "Begin", "BeginTx", "Beginx", "BeginTxx", "Conn", "Acquire", "Tx", "DB", "WithContext", "Session", "Debug":
						w.handles[id.Name] = true
					case "Prepare", "PrepareContext", "Preparex", "PreparexContext":
						w.prepared[id.Name] = true
					}
				}
			}
		}
	}
	if len(s.Lhs) != len(s.Rhs) {
		for _, l := range s.Lhs {
			if id, ok := l.(*ast.Ident); ok && !w.handles[id.Name] && !w.prepared[id.Name] {
				w.bind(id.Name, unknownExpr(id))
			}
		}
		return
	}
	for i, l := range s.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			continue
		}
		v := w.settle(s.Rhs[i])
		switch s.Tok {
		case token.DEFINE:
			w.define(id.Name, v)
		case token.ASSIGN:
			w.bind(id.Name, v)
		case token.ADD_ASSIGN:
			prev := w.lookup(id)
			if prev == nil {
				prev = unknownExpr(id)
			}
			w.bind(id.Name, &ast.BinaryExpr{X: prev, OpPos: s.TokPos, Op: token.ADD, Y: v})
		default:
			w.bind(id.Name, unknownExpr(id))
		}
	}
}

// rangeStmt runs the body once per element of a list of strings it can
// read (for _, q := range []string{...} { tx.Exec(q) }); other loops run
// their body once, as a branch.
func (w *walker) rangeStmt(s *ast.RangeStmt) {
	w.expr(s.X)
	x := s.X
	for i := 0; i < maxInline; i++ {
		id, ok := x.(*ast.Ident)
		if !ok {
			break
		}
		v := w.lookup(id)
		if v == nil {
			break
		}
		x = v
	}
	value, _ := s.Value.(*ast.Ident)
	if lit, ok := x.(*ast.CompositeLit); ok && value != nil && s.Tok == token.DEFINE {
		if _, isArray := lit.Type.(*ast.ArrayType); isArray || lit.Type == nil {
			for _, el := range lit.Elts {
				if w.done || w.steps > maxSteps {
					break
				}
				w.push()
				w.define(value.Name, w.settle(el))
				if key, ok := s.Key.(*ast.Ident); ok {
					w.define(key.Name, unknownExpr(key))
				}
				w.stmt(s.Body)
				w.pop()
			}
			return
		}
	}
	w.push()
	for _, e := range []ast.Expr{s.Key, s.Value} {
		if id, ok := e.(*ast.Ident); ok {
			w.define(id.Name, unknownExpr(id))
		}
	}
	w.branch(s.Body)
	w.pop()
}

// expr walks an expression in evaluation order and records the calls
// that run SQL. A call walks its own receiver and arguments; a function
// literal is a callback (a transaction helper's function): it runs.
func (w *walker) expr(e ast.Expr) {
	if e == nil {
		return
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			w.call(n)
			return false
		case *ast.FuncLit:
			w.funcLit(n)
			return false
		}
		return true
	})
}

func (w *walker) funcLit(f *ast.FuncLit) {
	w.push()
	w.params(f.Type, nil, nil, nil)
	w.candidates(f.Body)
	done := w.done
	w.block(f.Body.List)
	w.done = done
	w.pop()
}

// root is the name an expression of selectors, calls and indexes starts
// from (tx in tx.Migrator().DropColumn).
func root(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.Ident:
			return x
		case *ast.SelectorExpr:
			e = x.X
		case *ast.CallExpr:
			e = x.Fun
		case *ast.IndexExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// isHandle reports an expression that is a database handle (tx, db,
// s.db, m.conn when m is one).
func (w *walker) isHandle(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return w.handles[x.Name]
	case *ast.SelectorExpr:
		return w.isHandle(x.X)
	case *ast.ParenExpr:
		return w.isHandle(x.X)
	case *ast.CallExpr:
		// tx.WithContext(ctx), db.Conn(ctx): still the database.
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			switch sel.Sel.Name {
			case "WithContext", "Conn", "Session", "Debug", "DB", "Tx":
				return w.isHandle(sel.X)
			}
		}
	}
	return false
}

// quietMethods are handle methods that run no schema change.
var quietMethods = map[string]bool{
	"Begin": true, "BeginTx": true, "Beginx": true, "BeginTxx": true, "Commit": true, "Rollback": true,
	"Close": true, "Ping": true, "PingContext": true, "Conn": true, "Acquire": true, "Release": true,
	"WithContext": true, "Session": true, "Debug": true, "Error": true, "Scan": true, "Err": true,
	"RowsAffected": true, "LastInsertId": true, "Next": true, "Stats": true, "Driver": true,
	"Get": true, "Select": true, "Tx": true, "DB": true, "Context": true,
}

func (w *walker) call(c *ast.CallExpr) {
	sel, isSel := c.Fun.(*ast.SelectorExpr)
	if isSel && execNames[sel.Sel.Name] && rawCall(sel.X) {
		// bun's db.NewRaw("...").Exec(ctx): the SQL is read at NewRaw.
		w.expr(sel.X)
		for _, a := range c.Args {
			w.expr(a)
		}
		return
	}
	if isSel && !w.isHandle(sel.X) && !quietMethods[sel.Sel.Name] {
		if r := root(sel.X); r != nil && w.handles[r.Name] {
			// A builder chain on the database (tx.Migrator().DropColumn,
			// bun's db.NewAddColumn()...Exec(ctx)): one note for all of it.
			for _, a := range c.Args {
				w.expr(a)
			}
			w.rec.Unreadable(w.f.span(c), "`%s` is not SQL schemagate can read: it is not checked", w.f.text(c))
			return
		}
	}
	// The receiver first (a chain runs from its start), then the
	// arguments.
	if isSel {
		w.expr(sel.X)
	} else {
		w.expr(c.Fun)
	}
	if isSel && execNames[sel.Sel.Name] {
		for _, a := range c.Args {
			if _, isFunc := a.(*ast.FuncLit); !isFunc {
				w.expr(a)
			}
		}
		w.exec(c, sel)
		return
	}
	for _, a := range c.Args {
		w.expr(a)
	}
	switch {
	case !isSel:
		if id, ok := c.Fun.(*ast.Ident); ok {
			if fd := w.f.funcs[id.Name]; fd != nil {
				w.inline(c, fd)
				return
			}
		}
		if _, ok := c.Fun.(*ast.FuncLit); ok {
			return // walked as the function value
		}
		w.passesHandle(c)
	case w.isHandle(sel.X):
		if !quietMethods[sel.Sel.Name] {
			w.rec.Unreadable(w.f.span(c), "`%s` is not SQL schemagate can read: it is not checked", w.f.text(c))
		}
	default:
		w.passesHandle(c)
	}
}

// rawCall reports a receiver that is a Raw/NewRaw call, which holds the
// SQL its chain runs.
func rawCall(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && (sel.Sel.Name == "Raw" || sel.Sel.Name == "NewRaw")
}

// wraps reports a call that wraps the database in another client
// (bun.NewDB(db, ...), sqlx.NewDb(db, "postgres"), a project's
// NewStore(tx)): its result is the database too, and it runs nothing.
func (w *walker) wraps(c *ast.CallExpr) bool {
	name := ""
	switch f := c.Fun.(type) {
	case *ast.SelectorExpr:
		name = f.Sel.Name
	case *ast.Ident:
		name = f.Name
	}
	if !strings.HasPrefix(name, "New") && !strings.HasPrefix(name, "Wrap") && !strings.HasPrefix(name, "Open") {
		return false
	}
	for _, a := range c.Args {
		if w.isHandle(a) {
			return true
		}
	}
	return false
}

// passesHandle notes a call that hands the database to code schemagate
// does not follow (a function of another package).
func (w *walker) passesHandle(c *ast.CallExpr) {
	if w.wraps(c) {
		return
	}
	for _, a := range c.Args {
		if w.isHandle(a) {
			w.rec.Unreadable(w.f.span(c), "`%s` runs code schemagate does not follow with the database: what it does is not checked", w.f.text(c))
			return
		}
	}
}

// exec records the SQL of a call that executes it: its first argument
// that is a string expression, after a context.
func (w *walker) exec(c *ast.CallExpr, sel *ast.SelectorExpr) {
	where := emit.Where{Call: w.f.span(c), Conditional: w.cond > 0}
	if id, ok := sel.X.(*ast.Ident); ok && w.prepared[id.Name] {
		return // stmt.Exec(args): the SQL was read at Prepare
	}
	for i, a := range c.Args {
		if i > 1 {
			break
		}
		if w.f.strs == nil {
			break
		}
		lit, ok := w.f.strs.Value(a, w.lookup)
		if !ok {
			if i == 0 && w.contextArg(a) {
				continue
			}
			break
		}
		w.rec.Literal(lit, where)
		return
	}
	if len(c.Args) == 0 {
		return
	}
	w.rec.Unreadable(where.Call, "SQL that `%s` runs is built where schemagate cannot read it: it is not checked", w.f.text(c))
}

// contextArg reports an argument that is a context (ctx, context.TODO()).
func (w *walker) contextArg(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "ctx" || x.Name == "c" || len(x.Name) > 3 && x.Name[len(x.Name)-3:] == "Ctx"
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "context" {
				return true
			}
			return sel.Sel.Name == "Context"
		}
	case *ast.SelectorExpr:
		return x.Sel.Name == "ctx" || x.Sel.Name == "Ctx"
	}
	return false
}

// inline walks a helper function of the file at its call, with the
// caller's values for its parameters.
func (w *walker) inline(c *ast.CallExpr, fd *ast.FuncDecl) {
	if w.inlining[fd] || len(w.inlining) >= maxInline {
		w.passesHandle(c)
		return
	}
	w.inlining[fd] = true
	defer delete(w.inlining, fd)
	settled := make([]ast.Expr, len(c.Args))
	for i, a := range c.Args {
		settled[i] = w.settle(a)
	}
	// The callee sees the package and its parameters, not the caller's
	// locals.
	saved, savedHandles, savedPrepared, savedDone := w.scopes, w.handles, w.prepared, w.done
	w.scopes = []map[string]ast.Expr{{}}
	w.prepared = map[string]bool{}
	w.handles = map[string]bool{}
	w.params(fd.Type, c.Args, settled, savedHandles)
	w.candidates(fd.Body)
	w.block(fd.Body.List)
	w.scopes, w.handles, w.prepared, w.done = saved, savedHandles, savedPrepared, savedDone
}

func isHandleIn(handles map[string]bool, e ast.Expr) bool {
	id := root(e)
	return id != nil && handles[id.Name]
}

// up walks what a list element runs when applied: a function, or SQL
// strings (a struct's Up: []string{...} or Script: "...").
func (w *walker) up(n ast.Node) {
	switch n := n.(type) {
	case *ast.FuncLit:
		w.function(n.Type, n.Body)
	case *ast.FuncDecl:
		w.function(n.Type, n.Body)
	case *ast.CompositeLit:
		if _, isArray := n.Type.(*ast.ArrayType); isArray {
			for _, el := range n.Elts {
				w.sqlString(el)
			}
			return
		}
		w.rec.Unreadable(w.f.span(n), "this migration has no up function or SQL schemagate can read: it is not checked")
	case ast.Expr:
		if w.f.strs != nil {
			if _, ok := w.f.strs.Value(n, nil); ok {
				w.sqlString(n)
				return
			}
		}
		w.rec.Unreadable(w.f.span(n), "this migration is `%s`, code schemagate does not read: it is not checked", w.f.text(n))
	}
}

// sqlString records one string of SQL the runner executes.
func (w *walker) sqlString(e ast.Expr) {
	sp := w.f.span(e)
	if w.f.strs == nil {
		return
	}
	lit, ok := w.f.strs.Value(e, w.lookup)
	if !ok {
		w.rec.Unreadable(sp, "SQL `%s` is built where schemagate cannot read it: it is not checked", w.f.text(e))
		return
	}
	if emit.LooksLikeDDL(lit.Text) {
		w.rec.Candidate(sp)
	}
	w.rec.Literal(lit, emit.Where{Call: sp})
}
