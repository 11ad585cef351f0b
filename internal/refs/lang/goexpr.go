package lang

import (
	"go/ast"
	"go/token"
)

// GoStrings reads the value of chosen string expressions of one parsed
// Go file, for a caller that knows which expressions carry SQL (the
// argument of a db.Exec call in a migration): literals, constants
// declared in the file, "+" concatenations, parentheses and fmt.Sprintf
// calls, with every byte mapped back to the file as Literals does.
type GoStrings struct {
	g     *goFile
	local func(*ast.Ident) ast.Expr
}

// maxDepth bounds how many names one value follows (a chain of locals or
// a cycle in broken code).
const maxDepth = 32

// NewGoStrings prepares to read the string values of file, parsed with
// fset from src.
func NewGoStrings(fset *token.FileSet, file *ast.File, src []byte) *GoStrings {
	g := &goFile{
		src: src, fset: fset, tf: fset.File(file.Pos()),
		consts: map[string]ast.Expr{}, evaluating: map[string]bool{},
		templates: map[string]bool{}, done: map[ast.Node]bool{},
	}
	g.collect(file)
	return &GoStrings{g: g}
}

// Value returns the value of e. Parts only known when the program runs
// (a parameter, a function's result, a printf argument it cannot read)
// are placeholders, counted in Literal.Holes. local, when not nil, gives
// the expression a name stands for where e is evaluated (a local
// variable, a package-level var), or nil. ok is false when e is not a
// string expression at all.
func (s *GoStrings) Value(e ast.Expr, local func(*ast.Ident) ast.Expr) (lit Literal, ok bool) {
	if s.g.tf == nil {
		return Literal{}, false
	}
	s.local = local
	defer func() { s.local = nil }()
	b := &builder{}
	if !s.isString(e, 0) || !s.value(b, e, 0) {
		return Literal{}, false
	}
	lit = b.finish()
	if lit.Offset == 0 && len(lit.Map) == 0 {
		lit.Offset = s.g.tf.Offset(e.Pos())
	}
	return lit, true
}

// resolve follows a name to the expression a local gives it.
func (s *GoStrings) resolve(id *ast.Ident, depth int) ast.Expr {
	if s.local == nil || depth >= maxDepth {
		return nil
	}
	return s.local(id)
}

// isString reports whether e is a string expression: a string literal,
// a string constant, a name bound to one, a concatenation with one, or a
// fmt.Sprintf call.
func (s *GoStrings) isString(e ast.Expr, depth int) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.ParenExpr:
		return s.isString(e.X, depth)
	case *ast.Ident:
		if v := s.resolve(e, depth); v != nil {
			return s.isString(v, depth+1)
		}
		return s.g.isString(e)
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (s.isString(e.X, depth) || s.isString(e.Y, depth))
	case *ast.CallExpr:
		return isSprintf(e)
	}
	return false
}

func isSprintf(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Sprintf" || len(call.Args) == 0 {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "fmt"
}

// value appends the value of e; false when e is not a string expression.
func (s *GoStrings) value(b *builder, e ast.Expr, depth int) bool {
	if depth >= maxDepth {
		return false
	}
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return false
		}
		s.g.decodeLit(b, e)
		return true
	case *ast.ParenExpr:
		return s.value(b, e.X, depth)
	case *ast.Ident:
		if v := s.resolve(e, depth); v != nil {
			return s.value(b, v, depth+1)
		}
		return s.g.constValue(b, e.Name)
	case *ast.BinaryExpr:
		if e.Op != token.ADD || !s.isString(e, depth) {
			return false
		}
		for _, x := range []ast.Expr{e.X, e.Y} {
			if !s.value(b, x, depth+1) {
				b.hole(s.g.tf.Offset(x.Pos()))
			}
		}
		return true
	case *ast.CallExpr:
		if !isSprintf(e) {
			return false
		}
		tmpl := &builder{}
		if !s.value(tmpl, e.Args[0], depth+1) {
			return false
		}
		b.appendBuilder(s.sprintf(tmpl, e.Args[1:], depth+1))
		return true
	}
	return false
}

// sprintf builds what fmt.Sprintf makes of template tmpl: %% is a
// percent sign, a %s, %v or %d whose argument is a known string or an
// integer literal is that argument's text (mapped to where it is
// written), any other directive a placeholder.
func (s *GoStrings) sprintf(tmpl *builder, args []ast.Expr, depth int) *builder {
	directive := printfDirective(false)
	next := 0
	return tmpl.splice(func(text []byte, i int) (int, string, bool, *builder) {
		n, repl, ph := directive(text, i)
		if !ph {
			return n, repl, ph, nil
		}
		k := next
		next++
		for _, c := range text[i : i+n] {
			if c == '[' || c == '*' {
				// Explicit argument indexes and * widths: the rest
				// cannot be matched to arguments.
				next = len(args)
				return n, "", true, nil
			}
		}
		if k >= len(args) || n != 2 {
			return n, "", true, nil
		}
		if arg := s.sprintfArg(args[k], text[i+n-1], depth); arg != nil {
			return n, "", false, arg
		}
		return n, "", true, nil
	})
}

// sprintfArg is the text of one argument of a plain verb (no flags or
// width), or nil.
func (s *GoStrings) sprintfArg(e ast.Expr, verb byte, depth int) *builder {
	b := &builder{}
	switch verb {
	case 's', 'v':
		if s.isString(e, depth) && s.value(b, e, depth) {
			return b
		}
	}
	switch verb {
	case 'd', 'v':
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.INT {
			start := s.g.tf.Offset(lit.Pos())
			b.raw(start, s.g.src[start:s.g.tf.Offset(lit.End())])
			return b
		}
	}
	return nil
}
