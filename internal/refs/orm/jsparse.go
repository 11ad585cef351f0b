package orm

import (
	"iter"
	"path"
	"slices"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/schemagate/schemagate/internal/source"
)

// This file reads a TypeScript or JavaScript file into plain values: its
// imports and exports, its classes with their decorators and fields, and
// the calls the ORM and query-builder readers look at. Trees are closed
// before any library logic runs, so nothing below holds tree-sitter
// nodes.

// jsKind is the kind of a jsVal.
type jsKind int

const (
	jsOther  jsKind = iota
	jsString        // a string literal, or a template literal without substitutions
	jsNumber
	jsBool
	jsNull   // null or undefined
	jsIdent  // an identifier or a member path of identifiers ("a.b.c", "this.repo")
	jsObject // an object literal
	jsArray
	jsFunc // an arrow function or function expression; ret holds an expression body
	jsCall // a call: callee/method, recv for member calls, args
	jsNew  // new Callee(args)
)

// jsVal is the value of an expression, as far as the readers need it.
type jsVal struct {
	kind jsKind
	off  int    // byte offset of the expression (a string's first content byte)
	str  string // string value, ident path, or a call's callee path ("" when not a path)
	// exact reports that a string's value is its source text byte for
	// byte (no escapes), so offsets inside it map to the file.
	exact bool
	keys  []string // object keys ("..." for a spread); computed keys are "[...]"
	koffs []int    // object key offsets
	vals  []*jsVal // object values; array items; call arguments
	ret   *jsVal   // function expression body
	// Member calls: method is the property name, recv the object.
	method string
	recv   *jsVal
	// callee is the called expression when it is not a name path
	// (require("knex")({...}) calls a call).
	callee *jsVal
	// typeArgs are the type arguments of a call or new (getRepository<User>).
	typeArgs []string
}

// props yields the index and name of each key of an object that names a
// property: not a spread (...x) nor a computed key ([k]).
func (v *jsVal) props() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		if v == nil || v.kind != jsObject {
			return
		}
		for i, k := range v.keys {
			if k == "..." || k == "" || k[0] == '[' {
				continue
			}
			if !yield(i, k) {
				return
			}
		}
	}
}

// get returns the value of key in an object.
func (v *jsVal) get(key string) *jsVal {
	if v == nil || v.kind != jsObject {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// arg returns argument i of a call, or nil.
func (v *jsVal) arg(i int) *jsVal {
	if v == nil || (v.kind != jsCall && v.kind != jsNew) || i >= len(v.vals) {
		return nil
	}
	return v.vals[i]
}

// isStr returns a string value.
func (v *jsVal) isStr() (string, bool) {
	if v == nil || v.kind != jsString {
		return "", false
	}
	return v.str, true
}

func (v *jsVal) isTrue() bool  { return v != nil && v.kind == jsBool && v.str == "true" }
func (v *jsVal) isFalse() bool { return v != nil && v.kind == jsBool && v.str == "false" }

// ident returns an identifier or member path.
func (v *jsVal) ident() string {
	if v == nil || v.kind != jsIdent {
		return ""
	}
	return v.str
}

// target returns the class a value names: Foo, () => Foo, "Foo" is not a
// class (TypeORM also accepts entity names as strings; see entityName).
func (v *jsVal) target() string {
	if v == nil {
		return ""
	}
	if v.kind == jsFunc && v.ret != nil {
		v = v.ret
	}
	if v.kind == jsIdent {
		return lastDot(v.str)
	}
	return ""
}

// steps unrolls a member-call chain a(x).b(y).c(z) into its calls,
// innermost first, and returns the root the first call was made on: the
// receiver of the first member call (an identifier path or any value),
// or nil when the chain starts with a plain call such as knex('users').
func (v *jsVal) steps() (root *jsVal, calls []*jsVal) {
	for v != nil && v.kind == jsCall && len(calls) < 256 {
		calls = append(calls, v)
		if v.recv == nil {
			break
		}
		v = v.recv
	}
	for i, j := 0, len(calls)-1; i < j; i, j = i+1, j-1 {
		calls[i], calls[j] = calls[j], calls[i]
	}
	if len(calls) > 0 && calls[0].recv != nil {
		root = calls[0].recv
	}
	return root, calls
}

func lastDot(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// jsImport is one imported binding: the module specifier and the name it
// has there ("default" for a default import, "*" for a namespace).
type jsImport struct {
	module, name string
}

// jsReexport is `export * from "m"` (names nil) or `export { a as b }
// from "m"` (names maps b to a).
type jsReexport struct {
	module string
	names  map[string]string
}

// jsDecorator is one decorator: @Name or @Name(args...).
type jsDecorator struct {
	name string // the callee's last name: Column for @Column or @typeorm.Column
	path string // the full callee path
	args []*jsVal
	off  int
	call bool // @Name(...) rather than @Name
}

// jsField is a class field, or a constructor parameter property.
type jsField struct {
	name       string
	off        int
	decorators []jsDecorator
	typ        string   // the type annotation's outer name (Repository for Repository<User>)
	typeArgs   []string // its type arguments' names
	value      *jsVal   // initializer
	static     bool
	param      bool // a constructor parameter property
}

// jsClass is one class declaration.
type jsClass struct {
	name       string
	off        int
	decorators []jsDecorator
	extends    string   // the superclass path
	extendsArg []string // its type arguments' names: Model<User>, Repository<User>
	fields     []*jsField
	abstract   bool
}

func (c *jsClass) decorator(names ...string) *jsDecorator { return findDecorator(c.decorators, names) }

func (f *jsField) decorator(names ...string) *jsDecorator { return findDecorator(f.decorators, names) }

// findDecorator returns the first of ds named one of names, or nil.
func findDecorator(ds []jsDecorator, names []string) *jsDecorator {
	for i := range ds {
		if slices.Contains(names, ds[i].name) {
			return &ds[i]
		}
	}
	return nil
}

// jsCallSite is the outermost call of a chain (or a new expression) with
// where its value goes.
type jsCallSite struct {
	val *jsVal
	// assigned is the name the value is bound to: a const/let/var, an
	// assignment target path ("this.repo", "module.exports") or a class
	// field ("this.<field>"); "" when none.
	assigned string
	class    string // the enclosing class, if any
}

// jsMember is an identifier.property read (users.nickname).
type jsMember struct {
	object, prop string
	off          int // of prop
}

// jsFile is what the readers need of one file.
type jsFile struct {
	f         *source.File
	imports   map[string]jsImport // local name -> binding
	exports   map[string]string   // exported name -> local name
	reexports []jsReexport
	classes   []*jsClass
	calls     []*jsCallSite
	members   []jsMember
}

func (f *jsFile) path() string { return f.f.Path }

// jsGrammar is one of the JavaScript grammars with its compiled queries
// (a query is immutable and safe to share between cursors).
type jsGrammar struct {
	lang                    *sitter.Language
	calls, members, classes *sitter.Query
}

var (
	jsGrammarsOnce           sync.Once
	jsGrammarJS, jsGrammarTS *jsGrammar
	jsGrammarTSX             *jsGrammar
)

func newJSGrammar(lang *sitter.Language, classPattern string) *jsGrammar {
	g := &jsGrammar{lang: lang}
	var err [3]error
	g.calls, err[0] = sitter.NewQuery([]byte(`(call_expression) @c (new_expression) @c`), lang)
	g.members, err[1] = sitter.NewQuery([]byte(`(member_expression object: (identifier) @o property: (property_identifier) @p)`), lang)
	g.classes, err[2] = sitter.NewQuery([]byte(classPattern), lang)
	for _, e := range err {
		if e != nil {
			panic("orm: bad tree-sitter query: " + e.Error()) // the patterns are constants
		}
	}
	return g
}

// jsGrammarFor picks the grammar of a file by its extension.
func jsGrammarFor(p string) *jsGrammar {
	jsGrammarsOnce.Do(func() {
		ts := `(class_declaration) @c (abstract_class_declaration) @c`
		jsGrammarJS = newJSGrammar(javascript.GetLanguage(), `(class_declaration) @c`)
		jsGrammarTS = newJSGrammar(typescript.GetLanguage(), ts)
		jsGrammarTSX = newJSGrammar(tsx.GetLanguage(), ts)
	})
	switch strings.ToLower(path.Ext(p)) {
	case ".tsx":
		return jsGrammarTSX
	case ".ts", ".mts", ".cts":
		return jsGrammarTS
	}
	return jsGrammarJS
}

// readJSFile parses one file. withMembers also collects identifier.property
// reads (Drizzle column uses), which costs a walk of every member access.
func readJSFile(f *source.File, withMembers bool) (*jsFile, error) {
	g := jsGrammarFor(f.Path)
	tree, err := parseTree(g.lang, f.Path, f.Text)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	r := &jsReader{src: f.Text}
	jf := &jsFile{f: f, imports: map[string]jsImport{}, exports: map[string]string{}}
	root := tree.RootNode()
	for _, st := range namedChildren(root) {
		r.topLevel(jf, st)
	}
	q := g
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	// Classes at any depth: Sequelize CLI models declare theirs inside
	// the function a module exports.
	for m := range matches(qc, q.classes, root) {
		for _, c := range m.Captures {
			var outer []*sitter.Node
			if p := c.Node.Parent(); p != nil && p.Type() == "export_statement" {
				for _, d := range children(p) {
					if d.Type() == "decorator" {
						outer = append(outer, d)
					}
				}
			}
			jf.classes = append(jf.classes, r.class(c.Node, outer))
		}
	}
	for m := range matches(qc, q.calls, root) {
		for _, c := range m.Captures {
			if site, ok := r.callSite(c.Node); ok {
				jf.calls = append(jf.calls, site)
			}
		}
	}
	if withMembers {
		for m := range matches(qc, q.members, root) {
			if len(m.Captures) != 2 {
				continue
			}
			o, p := m.Captures[0].Node, m.Captures[1].Node
			if m.Captures[0].Index != 0 {
				o, p = p, o
			}
			jf.members = append(jf.members, jsMember{object: text(o, f.Text), prop: text(p, f.Text), off: int(p.StartByte())})
		}
	}
	return jf, nil
}

type jsReader struct {
	src []byte
}

func (r *jsReader) text(n *sitter.Node) string { return text(n, r.src) }

// topLevel reads imports, exports and classes of one top-level statement.
func (r *jsReader) topLevel(jf *jsFile, st *sitter.Node) {
	switch st.Type() {
	case "import_statement":
		r.importStatement(jf, st)
	case "export_statement":
		r.exportStatement(jf, st)
	case "lexical_declaration", "variable_declaration":
		r.requires(jf, st)
	case "expression_statement":
		r.commonJSExport(jf, st)
	}
}

func (r *jsReader) importStatement(jf *jsFile, st *sitter.Node) {
	mod, _ := r.stringValue(st.ChildByFieldName("source"))
	for _, c := range namedChildren(st) {
		if c.Type() != "import_clause" {
			continue
		}
		for _, b := range namedChildren(c) {
			switch b.Type() {
			case "identifier":
				jf.imports[r.text(b)] = jsImport{mod, "default"}
			case "namespace_import":
				for _, id := range namedChildren(b) {
					if id.Type() == "identifier" {
						jf.imports[r.text(id)] = jsImport{mod, "*"}
					}
				}
			case "named_imports":
				for _, s := range namedChildren(b) {
					if s.Type() == "import_specifier" {
						name, local := r.specifier(s)
						jf.imports[local] = jsImport{mod, name}
					}
				}
			}
		}
	}
}

// specifier reads an import or export specifier, `name` or `name as
// alias`: the name, and alias (the name again when there is none).
func (r *jsReader) specifier(s *sitter.Node) (name, alias string) {
	name = r.text(s.ChildByFieldName("name"))
	alias = name
	if a := s.ChildByFieldName("alias"); a != nil {
		alias = r.text(a)
	}
	return name, alias
}

func (r *jsReader) exportStatement(jf *jsFile, st *sitter.Node) {
	var mod string
	hasFrom := false
	if s := st.ChildByFieldName("source"); s != nil {
		mod, _ = r.stringValue(s)
		hasFrom = true
	}
	isDefault := false
	for _, c := range children(st) {
		switch c.Type() {
		case "default":
			isDefault = true
		case "export_clause":
			names := map[string]string{}
			for _, s := range namedChildren(c) {
				if s.Type() != "export_specifier" {
					continue
				}
				name, alias := r.specifier(s)
				if hasFrom {
					names[alias] = name
				} else {
					jf.exports[alias] = name
				}
			}
			if hasFrom {
				jf.reexports = append(jf.reexports, jsReexport{module: mod, names: names})
			}
		}
	}
	if hasFrom && st.ChildByFieldName("declaration") == nil && !hasChildType(st, "export_clause") {
		if ns := firstChildOfType(st, "namespace_export"); ns == nil {
			jf.reexports = append(jf.reexports, jsReexport{module: mod})
		}
		return
	}
	decl := st.ChildByFieldName("declaration")
	if decl == nil {
		// export default <expression>
		if v := st.ChildByFieldName("value"); v != nil && v.Type() == "identifier" && isDefault {
			jf.exports["default"] = r.text(v)
		}
		return
	}
	switch decl.Type() {
	case "class_declaration", "abstract_class_declaration":
		name := r.text(decl.ChildByFieldName("name"))
		jf.exports[name] = name
		if isDefault {
			jf.exports["default"] = name
		}
	case "lexical_declaration", "variable_declaration":
		for _, d := range namedChildren(decl) {
			if d.Type() == "variable_declarator" {
				if n := d.ChildByFieldName("name"); n != nil && n.Type() == "identifier" {
					jf.exports[r.text(n)] = r.text(n)
				}
			}
		}
	case "function_declaration", "generator_function_declaration":
		if n := decl.ChildByFieldName("name"); n != nil {
			jf.exports[r.text(n)] = r.text(n)
		}
	}
}

// requires reads `const X = require("m")` and `const { A, B } =
// require("m")`.
func (r *jsReader) requires(jf *jsFile, st *sitter.Node) {
	for _, d := range namedChildren(st) {
		if d.Type() != "variable_declarator" {
			continue
		}
		v := d.ChildByFieldName("value")
		if v == nil || v.Type() != "call_expression" {
			continue
		}
		fn := v.ChildByFieldName("function")
		if fn == nil || r.text(fn) != "require" {
			continue
		}
		args := namedChildren(v.ChildByFieldName("arguments"))
		if len(args) != 1 {
			continue
		}
		mod, ok := r.stringValue(args[0])
		if !ok {
			continue
		}
		name := d.ChildByFieldName("name")
		switch {
		case name == nil:
		case name.Type() == "identifier":
			jf.imports[r.text(name)] = jsImport{mod, "default"}
		case name.Type() == "object_pattern":
			for _, p := range namedChildren(name) {
				switch p.Type() {
				case "shorthand_property_identifier_pattern":
					jf.imports[r.text(p)] = jsImport{mod, r.text(p)}
				case "pair_pattern":
					k, v := p.ChildByFieldName("key"), p.ChildByFieldName("value")
					if k != nil && v != nil && v.Type() == "identifier" {
						jf.imports[r.text(v)] = jsImport{mod, r.text(k)}
					}
				}
			}
		}
	}
}

// commonJSExport reads `module.exports = X`, `module.exports = { A, B }`
// and `exports.A = ...`.
func (r *jsReader) commonJSExport(jf *jsFile, st *sitter.Node) {
	for _, a := range namedChildren(st) {
		if a.Type() != "assignment_expression" {
			continue
		}
		left, right := r.text(a.ChildByFieldName("left")), a.ChildByFieldName("right")
		if right == nil {
			continue
		}
		switch {
		case left == "module.exports" && right.Type() == "identifier":
			jf.exports["default"] = r.text(right)
		case left == "module.exports" && right.Type() == "object":
			for _, p := range namedChildren(right) {
				switch p.Type() {
				case "shorthand_property_identifier":
					jf.exports[r.text(p)] = r.text(p)
				case "pair":
					if v := p.ChildByFieldName("value"); v != nil && v.Type() == "identifier" {
						jf.exports[r.propertyKey(p.ChildByFieldName("key"))] = r.text(v)
					}
				}
			}
		case strings.HasPrefix(left, "exports.") || strings.HasPrefix(left, "module.exports."):
			if right.Type() == "identifier" {
				jf.exports[lastDot(left)] = r.text(right)
			} else {
				jf.exports[lastDot(left)] = lastDot(left)
			}
		}
	}
}

func hasChildType(n *sitter.Node, typ string) bool { return firstChildOfType(n, typ) != nil }

func firstChildOfType(n *sitter.Node, typ string) *sitter.Node {
	for _, c := range children(n) {
		if c.Type() == typ {
			return c
		}
	}
	return nil
}

// class reads a class declaration; decorators written before `export`
// are passed in.
func (r *jsReader) class(n *sitter.Node, outer []*sitter.Node) *jsClass {
	c := &jsClass{off: int(n.StartByte()), abstract: n.Type() == "abstract_class_declaration"}
	if name := n.ChildByFieldName("name"); name != nil {
		c.name = r.text(name)
		c.off = int(name.StartByte())
	}
	for _, d := range outer {
		c.decorators = append(c.decorators, r.decorator(d))
	}
	for _, ch := range children(n) {
		switch ch.Type() {
		case "decorator":
			c.decorators = append(c.decorators, r.decorator(ch))
		case "class_heritage":
			r.heritage(c, ch)
		}
	}
	body := n.ChildByFieldName("body")
	var pending []*sitter.Node // decorators the JS grammar leaves before a field
	for _, m := range namedChildren(body) {
		switch m.Type() {
		case "decorator":
			pending = append(pending, m)
		case "public_field_definition", "field_definition":
			c.fields = append(c.fields, r.field(m, pending))
			pending = nil
		case "method_definition":
			pending = nil
			if r.text(m.ChildByFieldName("name")) == "constructor" {
				c.fields = append(c.fields, r.parameterProperties(m)...)
			}
		default:
			pending = nil
		}
	}
	return c
}

func (r *jsReader) heritage(c *jsClass, h *sitter.Node) {
	for _, cl := range namedChildren(h) {
		v, args := cl, (*sitter.Node)(nil)
		switch cl.Type() {
		case "extends_clause": // TypeScript
			v, args = cl.ChildByFieldName("value"), cl.ChildByFieldName("type_arguments")
		case "implements_clause":
			continue
		}
		if v == nil || c.extends != "" {
			continue
		}
		c.extends = r.path(v)
		if v.Type() == "call_expression" {
			// extends Mixin(Base): the mixin's argument is the base.
			if a := namedChildren(v.ChildByFieldName("arguments")); len(a) > 0 {
				c.extends = r.path(a[0])
			}
		}
		if args != nil {
			c.extendsArg = r.typeNames(args)
		}
	}
}

func (r *jsReader) typeNames(ta *sitter.Node) []string {
	var out []string
	for _, t := range namedChildren(ta) {
		out = append(out, r.typeName(t))
	}
	return out
}

// typeName returns the outer name of a type: User for User, User[],
// Promise<User> gives Promise.
func (r *jsReader) typeName(t *sitter.Node) string {
	switch t.Type() {
	case "type_annotation":
		if k := namedChildren(t); len(k) > 0 {
			return r.typeName(k[0])
		}
	case "type_identifier", "predefined_type", "identifier":
		return r.text(t)
	case "generic_type":
		return r.typeName(t.ChildByFieldName("name"))
	case "nested_type_identifier":
		return lastDot(r.text(t))
	case "array_type":
		if k := namedChildren(t); len(k) > 0 {
			return r.typeName(k[0]) + "[]"
		}
	}
	return ""
}

// typeArgsOf returns the type arguments of a generic type annotation.
func (r *jsReader) typeArgsOf(t *sitter.Node) []string {
	if t == nil {
		return nil
	}
	if t.Type() == "type_annotation" {
		k := namedChildren(t)
		if len(k) == 0 {
			return nil
		}
		t = k[0]
	}
	if t.Type() != "generic_type" {
		return nil
	}
	return r.typeNames(t.ChildByFieldName("type_arguments"))
}

func (r *jsReader) field(m *sitter.Node, pending []*sitter.Node) *jsField {
	f := &jsField{off: int(m.StartByte())}
	for _, d := range pending {
		f.decorators = append(f.decorators, r.decorator(d))
	}
	name := m.ChildByFieldName("name")
	if name == nil {
		name = m.ChildByFieldName("property")
	}
	if name != nil {
		f.name = r.text(name)
		f.off = int(name.StartByte())
		if name.Type() == "private_property_identifier" {
			f.name = strings.TrimPrefix(f.name, "#")
		}
	}
	for _, c := range children(m) {
		switch c.Type() {
		case "decorator":
			f.decorators = append(f.decorators, r.decorator(c))
		case "static":
			f.static = true
		}
	}
	if t := m.ChildByFieldName("type"); t != nil {
		f.typ = r.typeName(t)
		f.typeArgs = r.typeArgsOf(t)
	}
	if v := m.ChildByFieldName("value"); v != nil {
		f.value = r.value(v, 0)
	}
	return f
}

// parameterProperties reads `constructor(@Inject(X) private readonly x: T)`.
func (r *jsReader) parameterProperties(m *sitter.Node) []*jsField {
	var out []*jsField
	for _, p := range namedChildren(m.ChildByFieldName("parameters")) {
		if p.Type() != "required_parameter" && p.Type() != "optional_parameter" {
			continue
		}
		pat := p.ChildByFieldName("pattern")
		if pat == nil || pat.Type() != "identifier" {
			continue
		}
		f := &jsField{name: r.text(pat), off: int(pat.StartByte()), param: true}
		for _, c := range children(p) {
			if c.Type() == "decorator" {
				f.decorators = append(f.decorators, r.decorator(c))
			}
		}
		if t := p.ChildByFieldName("type"); t != nil {
			f.typ = r.typeName(t)
			f.typeArgs = r.typeArgsOf(t)
		}
		out = append(out, f)
	}
	return out
}

func (r *jsReader) decorator(d *sitter.Node) jsDecorator {
	out := jsDecorator{off: int(d.StartByte())}
	k := namedChildren(d)
	if len(k) == 0 {
		return out
	}
	e := k[0]
	if e.Type() == "call_expression" {
		out.call = true
		for _, a := range namedChildren(e.ChildByFieldName("arguments")) {
			out.args = append(out.args, r.value(a, 0))
		}
		e = e.ChildByFieldName("function")
	}
	out.path = r.path(e)
	out.name = lastDot(out.path)
	return out
}
