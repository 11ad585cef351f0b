package js

import (
	"strconv"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/source"
)

// jsFile is one parsed JavaScript or TypeScript migration.
type jsFile struct {
	src  *source.File
	lang lang.Language
	tree *sitter.Tree
	root *sitter.Node
	// consts are the file's top-level const/let/var values by name.
	consts map[string]*sitter.Node
	// funcs are its top-level function declarations by name.
	funcs map[string]*sitter.Node
}

func parse(sf *source.File) (*jsFile, error) {
	l := lang.Detect(sf.Path)
	if l != lang.TypeScript {
		l = lang.JavaScript
	}
	tree, err := lang.Tree(l, sf.Path, sf.Text)
	if err != nil {
		return nil, err
	}
	f := &jsFile{src: sf, lang: l, tree: tree, root: tree.RootNode(), consts: map[string]*sitter.Node{}, funcs: map[string]*sitter.Node{}}
	for _, n := range named(f.root) {
		f.declare(n)
	}
	return f, nil
}

func (f *jsFile) close() { f.tree.Close() }

// declare records a top-level declaration (also inside export).
func (f *jsFile) declare(n *sitter.Node) {
	switch n.Type() {
	case "export_statement":
		if d := n.ChildByFieldName("declaration"); d != nil {
			f.declare(d)
		}
	case "lexical_declaration", "variable_declaration":
		for _, d := range named(n) {
			if d.Type() != "variable_declarator" {
				continue
			}
			name, value := d.ChildByFieldName("name"), d.ChildByFieldName("value")
			if name != nil && value != nil && name.Type() == "identifier" {
				f.consts[f.text(name)] = value
			}
		}
	case "function_declaration", "generator_function_declaration":
		if name := n.ChildByFieldName("name"); name != nil {
			f.funcs[f.text(name)] = n
		}
	}
}

// named returns the named children of n, comments left out.
func named(n *sitter.Node) []*sitter.Node {
	if n == nil {
		return nil
	}
	// A cursor, not NamedChild(i) or NextNamedSibling: tree-sitter finds
	// those from the first child, which is quadratic over a long body.
	c := sitter.NewTreeCursor(n)
	defer c.Close()
	if !c.GoToFirstChild() {
		return nil
	}
	var out []*sitter.Node
	for {
		if k := c.CurrentNode(); k.IsNamed() && k.Type() != "comment" {
			out = append(out, k)
		}
		if !c.GoToNextSibling() {
			return out
		}
	}
}

// point is the tree-sitter position (row, byte column) of an offset.
func (f *jsFile) point(off int) sitter.Point {
	line := f.src.Pos(off).Line
	return sitter.Point{Row: uint32(line - 1), Column: uint32(off - f.src.LineStart(line))}
}

func (f *jsFile) text(n *sitter.Node) string { return string(f.src.Text[n.StartByte():n.EndByte()]) }

func (f *jsFile) span(n *sitter.Node) source.Span {
	return f.src.Span(int(n.StartByte()), int(n.EndByte()))
}

// short is the source of a node on one line, shortened for messages.
func (f *jsFile) short(n *sitter.Node) string {
	s := strings.Join(strings.Fields(f.text(n)), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// unwrap strips what does not change a value: await, parentheses, `as`
// casts, non-null assertions.
func unwrap(n *sitter.Node) *sitter.Node {
	for n != nil {
		switch n.Type() {
		case "await_expression", "parenthesized_expression", "non_null_expression", "as_expression", "satisfies_expression", "type_assertion":
			k := named(n)
			if len(k) == 0 {
				return n
			}
			n = k[0]
		default:
			return n
		}
	}
	return n
}

// isFunction reports a function node.
func isFunction(n *sitter.Node) bool {
	switch n.Type() {
	case "function_expression", "function", "arrow_function", "function_declaration", "method_definition", "generator_function", "generator_function_declaration":
		return true
	}
	return false
}

// params returns a function's parameter names ("" for a pattern).
func (f *jsFile) params(fn *sitter.Node) []string {
	if p := fn.ChildByFieldName("parameter"); p != nil {
		return []string{f.text(p)} // x => ...
	}
	ps := fn.ChildByFieldName("parameters")
	var out []string
	for _, p := range named(ps) {
		switch p.Type() {
		case "identifier":
			out = append(out, f.text(p))
		case "required_parameter", "optional_parameter":
			if pat := p.ChildByFieldName("pattern"); pat != nil && pat.Type() == "identifier" {
				out = append(out, f.text(pat))
			} else {
				out = append(out, "")
			}
		case "assignment_pattern":
			if l := p.ChildByFieldName("left"); l != nil && l.Type() == "identifier" {
				out = append(out, f.text(l))
			} else {
				out = append(out, "")
			}
		default:
			out = append(out, "")
		}
	}
	return out
}

// key is the name of an object key or member property.
func (f *jsFile) key(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	switch n.Type() {
	case "string":
		s, _ := f.plain(n, nil)
		return s
	case "computed_property_name":
		if k := named(n); len(k) == 1 {
			s, _ := f.plain(k[0], nil)
			return s
		}
	}
	return f.text(n)
}

// upFunction finds the function a migration runs when applied: exports.up,
// module.exports = { up }, export const up, export (async) function up,
// export default { up }, or the up method of a class (TypeORM).
func (f *jsFile) upFunction() *sitter.Node {
	var class *sitter.Node
	for _, n := range named(f.root) {
		if fn := f.upIn(n); fn != nil {
			return fn
		}
		if class == nil {
			class = findClassUp(f, n)
		}
	}
	return class
}

func (f *jsFile) upIn(n *sitter.Node) *sitter.Node {
	switch n.Type() {
	case "expression_statement":
		k := named(n)
		if len(k) != 1 || k[0].Type() != "assignment_expression" {
			return nil
		}
		left, right := f.text(k[0].ChildByFieldName("left")), k[0].ChildByFieldName("right")
		switch left {
		case "exports.up", "module.exports.up":
			return f.function(right)
		case "module.exports", "exports.default", "module.exports.default":
			return f.upOfValue(right)
		}
	case "export_statement":
		if d := n.ChildByFieldName("declaration"); d != nil {
			switch d.Type() {
			case "function_declaration", "generator_function_declaration":
				if f.text(d.ChildByFieldName("name")) == "up" {
					return d
				}
			case "lexical_declaration", "variable_declaration":
				for _, v := range named(d) {
					if v.Type() == "variable_declarator" && f.text(v.ChildByFieldName("name")) == "up" {
						return f.function(v.ChildByFieldName("value"))
					}
				}
			}
			return nil
		}
		if v := n.ChildByFieldName("value"); v != nil {
			return f.upOfValue(v)
		}
	}
	return nil
}

// upOfValue finds up in an exported value: an object's up key or method.
func (f *jsFile) upOfValue(v *sitter.Node) *sitter.Node {
	v = unwrap(v)
	if v == nil {
		return nil
	}
	if v.Type() == "identifier" {
		if c := f.consts[f.text(v)]; c != nil {
			v = unwrap(c)
		}
	}
	if v.Type() != "object" {
		return nil
	}
	for _, p := range named(v) {
		switch p.Type() {
		case "pair":
			if f.key(p.ChildByFieldName("key")) == "up" {
				return f.function(p.ChildByFieldName("value"))
			}
		case "method_definition":
			if f.key(p.ChildByFieldName("name")) == "up" {
				return p
			}
		case "shorthand_property_identifier":
			if f.text(p) == "up" {
				return f.function(p)
			}
		}
	}
	return nil
}

// function resolves a value to a function node: itself, or the function
// a name declares.
func (f *jsFile) function(v *sitter.Node) *sitter.Node {
	v = unwrap(v)
	if v == nil {
		return nil
	}
	if isFunction(v) {
		return v
	}
	if v.Type() == "identifier" || v.Type() == "shorthand_property_identifier" {
		name := f.text(v)
		if fn := f.funcs[name]; fn != nil {
			return fn
		}
		if c := f.consts[name]; c != nil && isFunction(unwrap(c)) {
			return unwrap(c)
		}
	}
	return nil
}

// findClassUp finds the up method of a class declared or exported in n.
func findClassUp(f *jsFile, n *sitter.Node) *sitter.Node {
	var found *sitter.Node
	var visit func(n *sitter.Node, depth int)
	visit = func(n *sitter.Node, depth int) {
		if found != nil || depth > 4 {
			return
		}
		switch n.Type() {
		case "class_declaration", "class", "abstract_class_declaration":
			for _, m := range named(n.ChildByFieldName("body")) {
				if m.Type() == "method_definition" && f.key(m.ChildByFieldName("name")) == "up" {
					found = m
					return
				}
			}
			return
		}
		for _, c := range named(n) {
			visit(c, depth+1)
		}
	}
	visit(n, 0)
	return found
}

// plain is the value of a string expression with no run-time part, with
// names resolved by ident (and the file's constants).
func (f *jsFile) plain(n *sitter.Node, ident func(*sitter.Node) *sitter.Node) (string, bool) {
	lit, ok := f.value(n, ident)
	if !ok || lit.Holes > 0 {
		return "", false
	}
	return lit.Text, true
}

// value is the string value of an expression, mapped to the file.
func (f *jsFile) value(n *sitter.Node, ident func(*sitter.Node) *sitter.Node) (lang.Literal, bool) {
	n = unwrap(n)
	if n == nil {
		return lang.Literal{}, false
	}
	resolve := func(x *sitter.Node) *sitter.Node {
		if ident != nil {
			if v := ident(x); v != nil {
				return unwrap(v)
			}
		}
		if x.Type() == "identifier" {
			if c := f.consts[f.text(x)]; c != nil {
				return unwrap(c)
			}
		}
		return nil
	}
	return lang.NodeValue(f.lang, f.src.Path, f.src.Text, n, resolve)
}

// number is the value of a number literal (also negative).
func (f *jsFile) number(n *sitter.Node) (string, bool) {
	n = unwrap(n)
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "number":
		s := strings.ReplaceAll(f.text(n), "_", "")
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "", false
		}
		return s, true
	case "unary_expression":
		if k := named(n); len(k) == 1 && strings.HasPrefix(f.text(n), "-") {
			if s, ok := f.number(k[0]); ok {
				return "-" + s, true
			}
		}
	}
	return "", false
}

// pairs returns the key/value pairs of an object literal (shorthand
// properties map to their own name node); ok is false for other nodes.
func (f *jsFile) pairs(n *sitter.Node) (keys []string, values map[string]*sitter.Node, ok bool) {
	n = unwrap(n)
	if n == nil || n.Type() != "object" {
		return nil, nil, false
	}
	values = map[string]*sitter.Node{}
	for _, p := range named(n) {
		var k string
		var v *sitter.Node
		switch p.Type() {
		case "pair":
			k, v = f.key(p.ChildByFieldName("key")), p.ChildByFieldName("value")
		case "shorthand_property_identifier":
			k, v = f.text(p), p
		case "method_definition":
			k, v = f.key(p.ChildByFieldName("name")), p
		default:
			continue // spread: unknown keys
		}
		if _, seen := values[k]; !seen {
			keys = append(keys, k)
		}
		values[k] = v
	}
	return keys, values, true
}

// args returns the argument nodes of a call.
func args(call *sitter.Node) []*sitter.Node {
	return named(call.ChildByFieldName("arguments"))
}

type sitterNode = sitter.Node
