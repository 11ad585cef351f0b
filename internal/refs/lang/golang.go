package lang

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
)

// goFile reads the string values of one Go file from its syntax tree.
// Positions come from the scanner's token positions, so they are exact.
type goFile struct {
	src  []byte
	tf   *token.File
	fset *token.FileSet
	// consts holds the string constants declared in the file (at any
	// level; names are assumed not to be shadowed), for concatenations
	// and format templates that use them.
	consts map[string]ast.Expr
	// evaluating guards against constant cycles in broken code.
	evaluating map[string]bool
	// templates holds constants used as format templates: their own
	// literal is read as the template.
	templates map[string]bool
	done      map[ast.Node]bool
	lits      []Literal
}

// goLiterals returns the SQL-looking string values of a Go file. A file
// with syntax errors still yields what go/parser recovered.
func goLiterals(path string, src []byte) ([]Literal, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if file == nil {
		return nil, err
	}
	g := &goFile{
		src:        src,
		fset:       fset,
		tf:         fset.File(file.Pos()),
		consts:     map[string]ast.Expr{},
		evaluating: map[string]bool{},
		templates:  map[string]bool{},
		done:       map[ast.Node]bool{},
	}
	if g.tf == nil {
		return nil, err
	}
	g.collect(file)
	ast.Inspect(file, g.visit)
	if err != nil {
		// go/parser recovers coarsely (one bad parameter list can swallow
		// the rest of the file); the scanner still finds every literal.
		seen := map[int]bool{}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				seen[g.tf.Offset(lit.Pos())] = true
			}
			return true
		})
		g.lits = append(g.lits, scanLiterals(path, src, seen)...)
	}
	return g.lits, nil
}

// GoValues records in values the expression each name of a const or var
// declaration is given, where names and values pair one to one.
func GoValues(d *ast.GenDecl, values map[string]ast.Expr) {
	for _, spec := range d.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok || len(vs.Values) != len(vs.Names) {
			continue
		}
		for i, name := range vs.Names {
			values[name.Name] = vs.Values[i]
		}
	}
}

// collect finds string constants and which of them serve as templates.
func (g *goFile) collect(file *ast.File) {
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GenDecl:
			if n.Tok != token.CONST {
				return true
			}
			GoValues(n, g.consts)
		case *ast.CallExpr:
			if tmpl := formatArg(n); tmpl != nil {
				if id, ok := tmpl.(*ast.Ident); ok {
					g.templates[id.Name] = true
				}
			}
		}
		return true
	})
}

// formatArg returns the template argument of a call that builds a string
// from a printf template: fmt.Sprintf(t, ...), fmt.Fprintf(w, t, ...)
// (into a strings.Builder), fmt.Appendf(buf, t, ...), and the same
// names on other packages (errors.Errorf-style wrappers are messages,
// not queries, and are left alone).
func formatArg(call *ast.CallExpr) ast.Expr {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	idx := -1
	switch sel.Sel.Name {
	case "Sprintf":
		idx = 0
	case "Fprintf", "Appendf":
		idx = 1
	}
	if idx < 0 || idx >= len(call.Args) {
		return nil
	}
	return call.Args[idx]
}

func (g *goFile) visit(n ast.Node) bool {
	if g.done[n] {
		return false
	}
	switch n := n.(type) {
	case *ast.ValueSpec:
		for i, name := range n.Names {
			if i < len(n.Values) && g.templates[name.Name] {
				g.emit(n.Values[i], true)
			}
		}
	case *ast.CallExpr:
		if tmpl := formatArg(n); tmpl != nil {
			if _, isConst := tmpl.(*ast.Ident); !isConst {
				g.emit(tmpl, true)
			}
		}
	case *ast.BinaryExpr:
		if n.Op == token.ADD {
			g.emit(n, false)
		}
	case *ast.BasicLit:
		if n.Kind == token.STRING {
			g.emit(n, false)
		}
	}
	return true
}

// emit builds the value of expression e (a literal, a concatenation, a
// template) and keeps it if it looks like SQL. The literals it consumed
// are not read again on their own.
func (g *goFile) emit(e ast.Expr, template bool) {
	b := &builder{}
	if !g.value(b, e, true) {
		return
	}
	if template {
		b = b.transform(printfDirective(false))
	}
	lit := b.finish()
	if !MaybeSQL(lit.Text) {
		return
	}
	// A value that starts with a constant maps its first bytes to the
	// constant's declaration; the literal itself is where it is built.
	if start, end := g.tf.Offset(e.Pos()), g.tf.Offset(e.End()); lit.Offset < start || lit.Offset >= end {
		lit.Offset = start
	}
	g.lits = append(g.lits, lit)
}

// value appends the value of a string expression: literals, constants,
// parentheses and "+" of them; other operands of "+" are placeholders.
// It reports false when e is not a string expression at all. Nodes it
// reads are marked done so the walk does not emit them again.
func (g *goFile) value(b *builder, e ast.Expr, top bool) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return false
		}
		g.done[e] = true
		g.decodeLit(b, e)
		return true
	case *ast.ParenExpr:
		if g.value(b, e.X, top) {
			g.done[e] = true
			return true
		}
		return false
	case *ast.Ident:
		return g.constValue(b, e.Name)
	case *ast.BinaryExpr:
		if e.Op != token.ADD || !g.isString(e) {
			return false
		}
		g.done[e] = true
		for _, x := range []ast.Expr{e.X, e.Y} {
			if !g.value(b, x, false) {
				b.hole(g.tf.Offset(x.Pos()))
			}
		}
		return true
	}
	return false
}

// isString reports whether a "+" expression has a string literal or
// string constant among its operands, which makes it a concatenation.
func (g *goFile) isString(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.ParenExpr:
		return g.isString(e.X)
	case *ast.Ident:
		v, ok := g.consts[e.Name]
		if !ok || g.evaluating[e.Name] {
			return false
		}
		g.evaluating[e.Name] = true
		defer delete(g.evaluating, e.Name)
		return g.isString(v)
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (g.isString(e.X) || g.isString(e.Y))
	}
	return false
}

// constValue appends the value of a string constant; its text maps to
// the constant's declaration.
func (g *goFile) constValue(b *builder, name string) bool {
	v, ok := g.consts[name]
	if !ok || g.evaluating[name] || !g.isString(v) {
		return false
	}
	g.evaluating[name] = true
	defer delete(g.evaluating, name)
	inner := &builder{}
	done := g.done
	g.done = map[ast.Node]bool{} // a constant's own literal is still read at its declaration
	ok = g.value(inner, v, false)
	g.done = done
	if ok {
		b.appendBuilder(inner)
	}
	return ok
}

// decodeLit appends the value of a string literal.
func (g *goFile) decodeLit(b *builder, lit *ast.BasicLit) {
	decodeGoString(b, g.src, g.tf.Offset(lit.Pos()))
}

// decodeGoString appends the value of the Go string literal starting at
// src[start]. The end is found in the source, not from the token text:
// the scanner drops carriage returns from raw strings.
func decodeGoString(b *builder, src []byte, start int) {
	if start < 0 || start >= len(src) {
		return
	}
	switch src[start] {
	case '`':
		end := bytes.IndexByte(src[start+1:], '`')
		if end < 0 {
			return
		}
		decodeRange(b, src, start+1, start+1+end, &textState{dropCR: true})
	case '"':
		end := start + 1
		for end < len(src) && src[end] != '"' && src[end] != '\n' {
			if src[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(src) || src[end] != '"' {
			return
		}
		decodeRange(b, src, start+1, end, &textState{esc: goEscape})
	}
}

// scanLiterals reads a file go/parser could not: with the scanner alone,
// each string literal, or "+" chain of them, is a value. Literals at
// offsets in skip were already read from the syntax tree.
func scanLiterals(path string, src []byte, skip map[int]bool) []Literal {
	fset := token.NewFileSet()
	tf := fset.AddFile(path, -1, len(src))
	var s scanner.Scanner
	s.Init(tf, src, nil, 0)
	var lits []Literal
	var b *builder
	flush := func() {
		if b != nil {
			if lit := b.finish(); MaybeSQL(lit.Text) {
				lits = append(lits, lit)
			}
			b = nil
		}
	}
	prevAdd := false
	for {
		pos, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		switch {
		case tok == token.STRING:
			off := tf.Offset(pos)
			if skip[off] {
				flush()
				prevAdd = false
				continue
			}
			if b == nil || !prevAdd {
				flush()
				b = &builder{}
			}
			decodeGoString(b, src, off)
			prevAdd = false
		case tok == token.ADD && b != nil:
			prevAdd = true
		default:
			flush()
			prevAdd = false
		}
	}
	flush()
	return lits
}
