package alembic

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/smacker/go-tree-sitter/python"

	"github.com/schemagate/schemagate/internal/migrations/nesting"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// The translator works on a small model of the Python a revision file is
// written in, built from tree-sitter's tree in one pass: plain Go values
// are simpler to evaluate (name lookups, argument binding) than cgo nodes.

type exprKind uint8

const (
	exprOther   exprKind = iota // anything not modelled; text holds its source
	exprName                    // identifier
	exprAttr                    // x.name
	exprCall                    // x(args, kw=...)
	exprString                  // string literal, possibly concatenated or an f-string
	exprNumber                  // integer or float literal
	exprNone                    // None
	exprBool                    // True / False (text)
	exprList                    // list or tuple display (tuple set)
	exprDict                    // {k: v}
	exprCompare                 // x == y, x != y, x in y (name holds the operator)
	exprNot                     // not x
	exprBoolOp                  // x and y, x or y (name holds the operator)
	exprCond                    // y if x else args[0]
	exprLambda                  // lambda params: x (params holds their names)
)

type expr struct {
	kind       exprKind
	dstar      bool // the call passes **kwargs
	tuple      bool // (the flags sit together: a model has many nodes)
	start, end int
	name       string  // exprName identifier, exprAttr attribute, exprCompare operator
	x          *expr   // exprAttr object, exprCall callee, exprCompare or exprBoolOp left, exprNot operand
	y          *expr   // exprCompare or exprBoolOp right
	args       []*expr // call positional arguments, list elements, dict values
	kw         []keyword
	str        []strPart // exprString
	text       string    // exprNumber, exprBool literal text; exprOther source
	more       *exprMore // the fields few nodes have, nil when all are empty
}

// exprMore holds what only some calls, dicts and lambdas have, apart: a
// model has a node for every name and literal.
type exprMore struct {
	keys   []*expr  // dict keys
	star   []int    // indexes of *args in args (a call); **kwargs makes dstar true
	params []string // exprLambda
}

var noMore exprMore

// rare returns e's rare fields, for reading.
func (e *expr) rare() *exprMore {
	if e.more == nil {
		return &noMore
	}
	return e.more
}

// setRare returns e's rare fields, for writing.
func (e *expr) setRare() *exprMore {
	if e.more == nil {
		e.more = &exprMore{}
	}
	return e.more
}

type keyword struct {
	name  string
	value *expr
}

// strPart is a piece of a string literal: decoded text with the file
// offset of each of its bytes (len(text)+1 entries), or an f-string
// interpolation.
type strPart struct {
	text   string
	offs   []int
	interp *expr
}

type stmtKind uint8

const (
	stmtExpr   stmtKind = iota // an expression (x holds it)
	stmtAssign                 // targets = x
	stmtWith                   // with items: body
	stmtFor                    // for targets in x: body (else: orelse)
	stmtIf                     // if conds[i]: blocks[i] ... else: orelse
	stmtPass                   // pass
	stmtDef                    // a nested def/class: not run where it stands
	stmtError                  // a tree-sitter ERROR node (reported as a syntax error)
	stmtOther                  // anything else; blocks holds its nested bodies
)

type stmt struct {
	kind       stmtKind
	start, end int
	headerEnd  int // end of the first line of a compound statement
	x          *expr
	targets    []target
	items      []withItem
	conds      []*expr
	blocks     [][]*stmt
	orelse     []*stmt
	what       string // stmtOther: the statement kind, for messages
}

// target is one assignment or loop target: a name, or a tuple of names.
type target struct {
	names []string // one name, or the names of a tuple pattern
	tuple bool
	ok    bool // false for subscripts, attributes and starred targets
}

type withItem struct {
	x  *expr
	as string
}

// module is a parsed revision file.
type module struct {
	src     []byte
	str     string // src as a string
	body    []*stmt
	funcs   map[string]*funcDef // module-level functions
	imports map[string]string   // local name -> dotted path it was imported as
	star    []string            // modules imported with "from m import *"
	errors  []syntaxErr
	// tooDeep is set for a file nested past Python's limit: only its
	// header was read, and nothing of it is translated.
	tooDeep bool
}

// tooDeepMessage is the error of a file nested past Python's limit.
var tooDeepMessage = fmt.Sprintf("Python syntax error: too many nested parentheses (Python allows %d levels): alembic cannot import this revision, and schemagate does not read it", nesting.MaxPython)

type funcDef struct {
	start  int
	params []param
	body   []*stmt
}

type param struct {
	name string
	def  *expr // default value
	star bool  // *args or **kwargs
}

type syntaxErr struct {
	start, end int
	missing    string // the token tree-sitter inserted, for MISSING nodes
	message    string // the whole message, when set
}

var pythonLang = python.GetLanguage()

// parseModule parses Python source. It never fails: syntax errors are
// collected and the rest of the tree is still modelled.
func parseModule(src []byte) *module {
	// A file nested deeper than Python allows is not valid Python, and
	// tree-sitter would spend seconds on it: only the lines before the
	// bracket that crosses the bound are read, for the revision header.
	text := src
	deep := nesting.Python(src)
	if deep >= 0 {
		text = src[:bytes.LastIndexAny(src[:deep], "\r\n")+1]
	}
	// Comments say nothing to the model: the copy leaves them out.
	root := tsnode.ParseWith(pythonLang, text, tsnode.Options{NoComments: true})
	m := &module{src: src, str: string(src), funcs: map[string]*funcDef{}, imports: map[string]string{}}
	b := builder{src: src, str: m.str, mod: m}
	if deep >= 0 {
		m.tooDeep = true
		m.errors = append(m.errors, syntaxErr{start: deep, end: deep + 1, message: tooDeepMessage})
	} else {
		m.collectErrors(root)
	}
	for _, n := range tsnode.Named(root) {
		switch n.Type() {
		case "import_statement", "import_from_statement":
			m.addImport(n)
			continue
		case "function_definition":
			m.addFunc(&b, n)
			continue
		case "decorated_definition":
			if d := n.ChildByFieldName("definition"); d != nil && d.Type() == "function_definition" {
				m.addFunc(&b, d)
			}
			continue
		}
		m.body = append(m.body, b.stmt(n))
	}
	return m
}

func (m *module) addFunc(b *builder, n *tsnode.Node) {
	name := n.ChildByFieldName("name")
	if name == nil {
		return
	}
	f := &funcDef{start: int(n.StartByte())}
	if ps := n.ChildByFieldName("parameters"); ps != nil {
		for _, kid := range tsnode.Named(ps) {
			f.params = append(f.params, b.param(kid))
		}
	}
	if body := n.ChildByFieldName("body"); body != nil {
		f.body = b.block(body)
	}
	m.funcs[b.text(name)] = f
}

// collectErrors records the outermost ERROR nodes and every MISSING node.
func (m *module) collectErrors(n *tsnode.Node) {
	if n.IsMissing() {
		m.errors = append(m.errors, syntaxErr{start: int(n.StartByte()), end: int(n.EndByte()), missing: n.Type()})
		return
	}
	if n.IsError() {
		m.errors = append(m.errors, syntaxErr{start: int(n.StartByte()), end: int(n.EndByte())})
		return
	}
	if !n.HasError() {
		return
	}
	for _, kid := range tsnode.Children(n) {
		m.collectErrors(kid)
	}
}

func (b *builder) param(n *tsnode.Node) param {
	switch n.Type() {
	case "identifier":
		return param{name: b.text(n)}
	case "typed_parameter":
		for _, c := range tsnode.Named(n) {
			switch c.Type() {
			case "identifier":
				return param{name: b.text(c)}
			case "list_splat_pattern", "dictionary_splat_pattern":
				return param{name: strings.TrimLeft(b.text(c), "*"), star: true}
			}
		}
	case "default_parameter", "typed_default_parameter":
		p := param{}
		if name := n.ChildByFieldName("name"); name != nil {
			p.name = b.text(name)
		}
		if v := n.ChildByFieldName("value"); v != nil {
			p.def = b.expr(v)
		}
		return p
	}
	return param{name: strings.TrimLeft(b.text(n), "*"), star: true}
}

func (m *module) addImport(n *tsnode.Node) {
	b := builder{src: m.src, str: m.str, mod: m}
	if n.Type() == "import_statement" {
		for _, c := range tsnode.Named(n) {
			switch c.Type() {
			case "dotted_name":
				// import a.b binds a.
				full := b.text(c)
				root, _, _ := strings.Cut(full, ".")
				m.imports[root] = root
			case "aliased_import":
				if name, alias := c.ChildByFieldName("name"), c.ChildByFieldName("alias"); name != nil && alias != nil {
					m.imports[b.text(alias)] = b.text(name)
				}
			}
		}
		return
	}
	modNode := n.ChildByFieldName("module_name")
	if modNode == nil {
		return
	}
	mod := b.text(modNode)
	for _, c := range tsnode.Named(n) {
		if c == modNode {
			continue
		}
		switch c.Type() {
		case "dotted_name":
			name := b.text(c)
			m.imports[name] = mod + "." + name
		case "aliased_import":
			if name, alias := c.ChildByFieldName("name"), c.ChildByFieldName("alias"); name != nil && alias != nil {
				m.imports[b.text(alias)] = mod + "." + b.text(name)
			}
		case "wildcard_import":
			m.star = append(m.star, mod)
		}
	}
}

type builder struct {
	src []byte
	str string // src, for substrings that share its memory
	mod *module
	// The model's nodes and argument lists are cut from slabs: a
	// revision of thousands of calls has hundreds of thousands of
	// them, and one allocation each was most of the model's cost.
	exprs    slab[expr]
	stmts    slab[stmt]
	lists    slab[*expr]
	ints     slab[int]
	parts    slab[strPart]
	keywords slab[keyword]
}

// slab hands out values from arrays that double from 16 values up to
// 32 KB (the largest size the allocator serves from its per-thread
// caches): a short revision allocates little, a long one an array per
// 32 KB.
type slab[T any] struct {
	free []T
	size int // of the last array
}

// take returns n zero values, with capacity n: an append to them
// copies rather than writes into the next ones.
func (s *slab[T]) take(n int) []T {
	if len(s.free) < n {
		var zero T
		most := max(slabBytes/int(unsafe.Sizeof(zero)), 1)
		if n > most/4 {
			return make([]T, n)
		}
		s.size = min(max(2*s.size, 16, n), most)
		s.free = make([]T, s.size)
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

const slabBytes = 32 << 10

// newExpr returns a zeroed node spanning [start, end).
func (b *builder) newExpr(start, end int) *expr {
	e := &b.exprs.take(1)[0]
	e.start, e.end = start, end
	return e
}

func (b *builder) newStmt(start, end int) *stmt {
	s := &b.stmts.take(1)[0]
	s.start, s.end = start, end
	return s
}

// list returns an empty list with room for n nodes, nil for none.
func (b *builder) list(n int) []*expr {
	if n == 0 {
		return nil
	}
	return b.lists.take(n)[:0]
}

func (b *builder) text(n *tsnode.Node) string { return tsnode.Text(n, b.str) }

func (b *builder) block(n *tsnode.Node) []*stmt {
	var out []*stmt
	for _, kid := range tsnode.Children(n) {
		if !kid.IsNamed() {
			continue
		}
		out = append(out, b.stmt(kid))
	}
	return out
}

// headerEnd is the end of the first line of n, so that a note on a
// compound statement does not cover its whole body.
func (b *builder) headerEnd(n *tsnode.Node) int {
	start, end := int(n.StartByte()), int(n.EndByte())
	if i := strings.IndexByte(b.str[start:end], '\n'); i >= 0 {
		return start + i
	}
	return end
}

func (b *builder) stmt(n *tsnode.Node) *stmt {
	typ := n.Type()
	s := b.newStmt(int(n.StartByte()), int(n.EndByte()))
	s.headerEnd = b.headerEnd(n)
	switch typ {
	case "ERROR":
		s.kind = stmtError
	case "pass_statement", "assert_statement", "global_statement", "nonlocal_statement", "delete_statement":
		// Nothing here changes the schema.
		s.kind = stmtPass
	case "import_statement", "import_from_statement":
		// An import inside upgrade() binds a module for what follows.
		b.mod.addImport(n)
		s.kind = stmtPass
	case "expression_statement":
		if n.NamedChildCount() != 1 {
			s.kind, s.what = stmtOther, "expression list"
			return s
		}
		c := n.NamedChild(0)
		switch c.Type() {
		case "assignment":
			b.assignment(s, c)
		case "augmented_assignment":
			// x += ...: the new value is not followed; later uses of x
			// are unknown rather than stale.
			s.kind = stmtAssign
			if l := c.ChildByFieldName("left"); l != nil {
				s.targets = []target{b.target(l)}
			}
			s.x = &expr{kind: exprOther, start: -1, end: -1, text: b.text(c)}
		default:
			s.kind = stmtExpr
			s.x = b.expr(c)
		}
	case "with_statement":
		s.kind = stmtWith
		for _, c := range tsnode.Named(n) {
			if c.Type() != "with_clause" {
				continue
			}
			for _, item := range tsnode.Named(c) {
				if item.Type() != "with_item" {
					continue
				}
				v := item.ChildByFieldName("value")
				if v == nil {
					continue
				}
				wi := withItem{}
				if v.Type() == "as_pattern" {
					if v.NamedChildCount() > 0 {
						wi.x = b.expr(v.NamedChild(0))
					}
					if a := v.ChildByFieldName("alias"); a != nil {
						wi.as = strings.TrimSpace(b.text(a))
					}
				} else {
					wi.x = b.expr(v)
				}
				s.items = append(s.items, wi)
			}
		}
		if body := n.ChildByFieldName("body"); body != nil {
			s.blocks = [][]*stmt{b.block(body)}
		}
	case "for_statement":
		s.kind = stmtFor
		if l := n.ChildByFieldName("left"); l != nil {
			s.targets = []target{b.target(l)}
		}
		if r := n.ChildByFieldName("right"); r != nil {
			s.x = b.expr(r)
		}
		if body := n.ChildByFieldName("body"); body != nil {
			s.blocks = [][]*stmt{b.block(body)}
		}
		if alt := n.ChildByFieldName("alternative"); alt != nil {
			if body := alt.ChildByFieldName("body"); body != nil {
				s.orelse = b.block(body)
			}
		}
	case "if_statement":
		s.kind = stmtIf
		if c := n.ChildByFieldName("condition"); c != nil {
			s.conds = append(s.conds, b.expr(c))
		}
		if body := n.ChildByFieldName("consequence"); body != nil {
			s.blocks = append(s.blocks, b.block(body))
		} else {
			s.blocks = append(s.blocks, nil)
		}
		for _, c := range tsnode.Named(n) {
			switch c.Type() {
			case "elif_clause":
				var cond *expr
				if cn := c.ChildByFieldName("condition"); cn != nil {
					cond = b.expr(cn)
				}
				s.conds = append(s.conds, cond)
				if body := c.ChildByFieldName("consequence"); body != nil {
					s.blocks = append(s.blocks, b.block(body))
				} else {
					s.blocks = append(s.blocks, nil)
				}
			case "else_clause":
				if body := c.ChildByFieldName("body"); body != nil {
					s.orelse = b.block(body)
				}
			}
		}
	case "function_definition", "class_definition", "decorated_definition":
		s.kind = stmtDef
	default:
		s.kind = stmtOther
		s.what = strings.TrimSuffix(n.Type(), "_statement")
		// Translate what is nested (try bodies, while bodies) too.
		for _, c := range tsnode.Named(n) {
			if c.Type() == "block" {
				s.blocks = append(s.blocks, b.block(c))
				continue
			}
			for _, cc := range tsnode.Named(c) {
				if cc.Type() == "block" {
					s.blocks = append(s.blocks, b.block(cc))
				}
			}
		}
	}
	return s
}

// assignment reads a = b = value and a: T = value.
func (b *builder) assignment(s *stmt, n *tsnode.Node) {
	s.kind = stmtAssign
	for {
		if l := n.ChildByFieldName("left"); l != nil {
			s.targets = append(s.targets, b.target(l))
		}
		r := n.ChildByFieldName("right")
		if r == nil {
			// An annotation without a value binds nothing.
			s.kind = stmtPass
			return
		}
		if r.Type() == "assignment" {
			n = r
			continue
		}
		s.x = b.expr(r)
		return
	}
}

func (b *builder) target(n *tsnode.Node) target {
	switch n.Type() {
	case "identifier":
		return target{names: []string{b.text(n)}, ok: true}
	case "pattern_list", "tuple_pattern", "list_pattern":
		t := target{tuple: true, ok: true}
		for _, c := range tsnode.Named(n) {
			if c.Type() != "identifier" {
				t.ok = false
				continue
			}
			t.names = append(t.names, b.text(c))
		}
		return t
	}
	return target{}
}

func (b *builder) expr(n *tsnode.Node) *expr {
	// (x) is x: unwrapped in a loop, so that deep parentheses cost no
	// recursion.
	typ := n.Type()
	for typ == "parenthesized_expression" {
		if n.NamedChildCount() != 1 {
			break
		}
		inner := n.NamedChild(0)
		n, typ = inner, inner.Type()
	}
	e := b.newExpr(int(n.StartByte()), int(n.EndByte()))
	switch typ {
	case "identifier":
		e.kind, e.name = exprName, b.text(n)
	case "attribute":
		obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
		if obj == nil || attr == nil {
			break
		}
		e.kind, e.x, e.name = exprAttr, b.expr(obj), b.text(attr)
	case "call":
		fn, args := n.ChildByFieldName("function"), n.ChildByFieldName("arguments")
		if fn == nil {
			break
		}
		e.kind, e.x = exprCall, b.expr(fn)
		if args == nil {
			break
		}
		if args.Type() == "generator_expression" {
			e.args = append(e.args, &expr{kind: exprOther, start: int(args.StartByte()), end: int(args.EndByte()), text: b.text(args)})
			break
		}
		// The lists are sized once: most calls have a few arguments.
		kids := tsnode.Children(args)
		npos, nkw := 0, 0
		for _, a := range kids {
			if !a.IsNamed() {
				continue
			}
			switch a.Type() {
			case "dictionary_splat":
			case "keyword_argument":
				nkw++
			default:
				npos++
			}
		}
		e.args = b.list(npos)
		if nkw > 0 {
			e.kw = b.keywords.take(nkw)[:0]
		}
		for _, a := range kids {
			if !a.IsNamed() {
				continue
			}
			switch a.Type() {
			case "keyword_argument":
				name, val := a.ChildByFieldName("name"), a.ChildByFieldName("value")
				if name != nil && val != nil {
					e.kw = append(e.kw, keyword{name: b.text(name), value: b.expr(val)})
				}
			case "list_splat":
				if a.NamedChildCount() > 0 {
					more := e.setRare()
					more.star = append(more.star, len(e.args))
					e.args = append(e.args, b.expr(a.NamedChild(0)))
				}
			case "dictionary_splat":
				e.dstar = true
			default:
				e.args = append(e.args, b.expr(a))
			}
		}
	case "string":
		e.kind = exprString
		e.str = b.stringParts(n)
	case "concatenated_string":
		e.kind = exprString
		for _, c := range tsnode.Named(n) {
			if c.Type() == "string" {
				e.str = append(e.str, b.stringParts(c)...)
			}
		}
	case "integer", "float":
		e.kind, e.text = exprNumber, b.text(n)
	case "none":
		e.kind = exprNone
	case "true", "false":
		e.kind, e.text = exprBool, b.text(n)
	case "list", "tuple":
		e.kind, e.tuple = exprList, n.Type() == "tuple"
		for _, c := range tsnode.Named(n) {
			e.args = append(e.args, b.expr(c))
		}
	case "dictionary":
		e.kind = exprDict
		for _, c := range tsnode.Named(n) {
			if c.Type() != "pair" {
				continue
			}
			k, v := c.ChildByFieldName("key"), c.ChildByFieldName("value")
			if k != nil && v != nil {
				more := e.setRare()
				more.keys = append(more.keys, b.expr(k))
				e.args = append(e.args, b.expr(v))
			}
		}
	case "unary_operator":
		// -1 is a number to the translator.
		if arg := n.ChildByFieldName("argument"); arg != nil && (arg.Type() == "integer" || arg.Type() == "float") {
			e.kind, e.text = exprNumber, strings.ReplaceAll(b.text(n), " ", "")
		}
	case "not_operator":
		if arg := n.ChildByFieldName("argument"); arg != nil {
			e.kind, e.x = exprNot, b.expr(arg)
		}
	case "boolean_operator":
		l, r, op := n.ChildByFieldName("left"), n.ChildByFieldName("right"), n.ChildByFieldName("operator")
		if l != nil && r != nil && op != nil {
			e.kind, e.x, e.y, e.name = exprBoolOp, b.expr(l), b.expr(r), op.Type()
		}
	case "conditional_expression":
		if n.NamedChildCount() == 3 {
			e.kind, e.y, e.x = exprCond, b.expr(n.NamedChild(0)), b.expr(n.NamedChild(1))
			e.args = []*expr{b.expr(n.NamedChild(2))}
		}
	case "lambda":
		// A lambda of plain parameters whose body is an expression the
		// translator reads: called, it is that expression.
		body, ok := n.ChildByFieldName("body"), true
		var params []string
		if ps := n.ChildByFieldName("parameters"); ps != nil {
			for _, p := range tsnode.Named(ps) {
				ok = ok && p.Type() == "identifier"
				params = append(params, b.text(p))
			}
		}
		if ok && body != nil {
			e.kind, e.x, e.text = exprLambda, b.expr(body), b.text(n)
			e.setRare().params = params
		}
	case "comparison_operator":
		if n.NamedChildCount() == 2 {
			l, r := n.NamedChild(0), n.NamedChild(1)
			op := strings.Join(strings.Fields(string(b.src[l.EndByte():r.StartByte()])), " ")
			e.kind, e.x, e.y, e.name = exprCompare, b.expr(l), b.expr(r), op
		}
	}
	if e.kind == exprOther {
		e.text = b.text(n)
	}
	return e
}

// stringParts decodes one string literal (with its prefix and quotes).
func (b *builder) stringParts(n *tsnode.Node) []strPart {
	start, end := int(n.StartByte()), int(n.EndByte())
	raw := b.src[start:end]
	// Prefix letters, then the quote.
	i := 0
	for i < len(raw) && raw[i] != '\'' && raw[i] != '"' {
		i++
	}
	prefix := strings.ToLower(string(raw[:i]))
	isRaw := strings.Contains(prefix, "r")
	isF := strings.Contains(prefix, "f")
	q := 1
	if i+3 <= len(raw) && (string(raw[i:i+3]) == `"""` || string(raw[i:i+3]) == `'''`) {
		q = 3
	}
	cs, ce := start+i+q, end-q
	if ce < cs {
		ce = cs
	}
	if !isF {
		parts := b.parts.take(1)
		parts[0] = b.decode(cs, ce, isRaw, false)
		return parts
	}
	var parts []strPart
	pos := cs
	for _, c := range tsnode.Named(n) {
		if c.Type() != "interpolation" {
			continue
		}
		is, ie := int(c.StartByte()), int(c.EndByte())
		parts = append(parts, b.decode(pos, is, isRaw, true))
		var inner *expr
		if c.NamedChildCount() > 0 {
			inner = b.expr(c.NamedChild(0))
		}
		if ex := c.ChildByFieldName("expression"); ex != nil {
			inner = b.expr(ex)
		}
		if inner == nil {
			inner = &expr{kind: exprOther, start: is, end: ie}
		}
		// Conversions and format specs ({x!r}, {x:>10}) are not modelled.
		if c.ChildByFieldName("type_conversion") != nil || c.ChildByFieldName("format_specifier") != nil {
			inner = &expr{kind: exprOther, start: is, end: ie, text: b.text(c)}
		}
		inner.start, inner.end = is, ie
		parts = append(parts, strPart{interp: inner})
		pos = ie
	}
	parts = append(parts, b.decode(pos, ce, isRaw, isF))
	return parts
}

// decode decodes Python escapes in src[start:end], keeping the file
// offset of every byte of the result. Text without escapes is the
// source's own, which the model shares.
func (b *builder) decode(start, end int, isRaw, isF bool) strPart {
	if end <= start {
		return strPart{offs: []int{end}}
	}
	// Backslashes are escapes unless the literal is raw; braces are
	// doubled only in f-strings.
	special := `\{}`
	if !isF {
		special = `\`
	}
	if isRaw {
		special = special[1:]
	}
	if plain := b.str[start:end]; !strings.ContainsAny(plain, special) {
		offs := b.ints.take(end - start + 1)
		for i := range offs {
			offs[i] = start + i
		}
		return strPart{text: plain, offs: offs}
	}
	return decodeString(b.src, start, end, isRaw, isF)
}

// decodeString is decode for text with escapes or f-string braces.
func decodeString(src []byte, start, end int, isRaw, isF bool) strPart {
	// No escape decodes to more bytes than it is written with: sized
	// once, a literal costs two allocations, not one per doubling.
	out := make([]byte, 0, max(end-start, 0))
	offs := make([]int, 0, max(end-start, 0)+1)
	emit := func(at int, bs ...byte) {
		for _, c := range bs {
			out = append(out, c)
			offs = append(offs, at)
		}
	}
	i := start
	for i < end {
		c := src[i]
		if isF && (c == '{' || c == '}') && i+1 < end && src[i+1] == c {
			emit(i, c)
			i += 2
			continue
		}
		if c != '\\' || isRaw || i+1 >= end {
			emit(i, c)
			i++
			continue
		}
		at := i
		n := src[i+1]
		i += 2
		switch n {
		case '\n':
		case '\r':
			if i < end && src[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			emit(at, n)
		case 'a':
			emit(at, 7)
		case 'b':
			emit(at, 8)
		case 'f':
			emit(at, 12)
		case 'n':
			emit(at, '\n')
		case 'r':
			emit(at, '\r')
		case 't':
			emit(at, '\t')
		case 'v':
			emit(at, 11)
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[n]
			if i+width <= end {
				if v, err := strconv.ParseUint(string(src[i:i+width]), 16, 32); err == nil {
					i += width
					if n == 'x' {
						emit(at, byte(v))
					} else {
						var buf [4]byte
						k := utf8.EncodeRune(buf[:], rune(v))
						emit(at, buf[:k]...)
					}
					continue
				}
			}
			emit(at, '\\', n)
		case 'N':
			// \N{NAME}: the character's name is not resolved; keep a
			// placeholder the SQL parser will not mistake for syntax.
			if j := strings.IndexByte(string(src[i:end]), '}'); i < end && src[i] == '{' && j >= 0 {
				i += j + 1
				emit(at, '?')
				continue
			}
			emit(at, '\\', n)
		default:
			if n >= '0' && n <= '7' {
				j := i - 1
				k := j
				for k < end && k < j+3 && src[k] >= '0' && src[k] <= '7' {
					k++
				}
				v, _ := strconv.ParseUint(string(src[j:k]), 8, 16)
				emit(at, byte(v))
				i = k
				continue
			}
			emit(at, '\\', n)
		}
	}
	offs = append(offs, end)
	return strPart{text: string(out), offs: offs}
}
