package orm

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// This file turns expressions into jsVal values and finds the call
// chains of a file.

// path returns "a.b.c" for an identifier or a member chain of
// identifiers (this included), "" for anything else.
func (r *jsReader) path(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	switch n.Type() {
	case "identifier", "this", "type_identifier", "property_identifier", "shorthand_property_identifier":
		return r.text(n)
	case "member_expression":
		obj := r.path(n.ChildByFieldName("object"))
		prop := n.ChildByFieldName("property")
		if obj == "" || prop == nil {
			return ""
		}
		return obj + "." + r.text(prop)
	case "parenthesized_expression", "non_null_expression", "as_expression", "satisfies_expression", "await_expression":
		if k := namedChildren(n); len(k) > 0 {
			return r.path(k[0])
		}
	}
	return ""
}

// stringValue returns the value of a string literal or of a template
// literal without substitutions.
func (r *jsReader) stringValue(n *sitter.Node) (string, bool) {
	v := r.value(n, 0)
	return v.isStr()
}

// propertyKey returns the name of an object key.
func (r *jsReader) propertyKey(k *sitter.Node) string {
	if k == nil {
		return ""
	}
	switch k.Type() {
	case "property_identifier", "identifier", "number", "private_property_identifier":
		return r.text(k)
	case "string":
		s, _ := r.stringValue(k)
		return s
	case "computed_property_name":
		return "[" + r.text(k) + "]"
	}
	return r.text(k)
}

const jsMaxDepth = 48

// value converts an expression.
func (r *jsReader) value(n *sitter.Node, depth int) *jsVal {
	v := &jsVal{off: int(n.StartByte())}
	if depth > jsMaxDepth {
		return v
	}
	switch n.Type() {
	case "string":
		v.kind = jsString
		r.stringContent(v, n)
	case "template_string":
		for _, c := range namedChildren(n) {
			if c.Type() == "template_substitution" {
				return v
			}
		}
		v.kind = jsString
		r.stringContent(v, n)
	case "number":
		v.kind, v.str = jsNumber, r.text(n)
	case "true", "false":
		v.kind, v.str = jsBool, n.Type()
	case "null", "undefined":
		v.kind = jsNull
	case "identifier", "this", "member_expression", "property_identifier", "shorthand_property_identifier":
		if p := r.path(n); p != "" {
			v.kind, v.str = jsIdent, p
		}
	case "object":
		v.kind = jsObject
		for _, p := range namedChildren(n) {
			switch p.Type() {
			case "pair":
				k := p.ChildByFieldName("key")
				v.keys = append(v.keys, r.propertyKey(k))
				v.koffs = append(v.koffs, r.keyOffset(k))
				v.vals = append(v.vals, r.value(p.ChildByFieldName("value"), depth+1))
			case "shorthand_property_identifier":
				v.keys = append(v.keys, r.text(p))
				v.koffs = append(v.koffs, int(p.StartByte()))
				v.vals = append(v.vals, &jsVal{kind: jsIdent, str: r.text(p), off: int(p.StartByte())})
			case "spread_element":
				v.keys = append(v.keys, "...")
				v.koffs = append(v.koffs, int(p.StartByte()))
				var inner *jsVal
				if k := namedChildren(p); len(k) > 0 {
					inner = r.value(k[0], depth+1)
				} else {
					inner = &jsVal{off: int(p.StartByte())}
				}
				v.vals = append(v.vals, inner)
			case "method_definition":
				v.keys = append(v.keys, r.propertyKey(p.ChildByFieldName("name")))
				v.koffs = append(v.koffs, int(p.StartByte()))
				v.vals = append(v.vals, &jsVal{kind: jsFunc, off: int(p.StartByte())})
			}
		}
	case "array":
		v.kind = jsArray
		for _, c := range namedChildren(n) {
			v.vals = append(v.vals, r.value(c, depth+1))
		}
	case "arrow_function", "function_expression", "function":
		v.kind = jsFunc
		if b := n.ChildByFieldName("body"); b != nil && b.Type() != "statement_block" {
			v.ret = r.value(b, depth+1)
		} else if b != nil {
			// function () { return X } as in () => { return User }
			for _, st := range namedChildren(b) {
				if st.Type() == "return_statement" {
					if k := namedChildren(st); len(k) > 0 {
						v.ret = r.value(k[0], depth+1)
					}
					break
				}
			}
		}
	case "call_expression", "new_expression":
		v.kind = jsCall
		fn := n.ChildByFieldName("function")
		if n.Type() == "new_expression" {
			v.kind = jsNew
			fn = n.ChildByFieldName("constructor")
		}
		if fn != nil {
			v.str = r.path(fn)
			if fn.Type() == "member_expression" {
				if prop := fn.ChildByFieldName("property"); prop != nil {
					v.method = r.text(prop)
					v.off = int(prop.StartByte())
				}
				v.recv = r.value(fn.ChildByFieldName("object"), depth+1)
			} else {
				v.method = lastDot(v.str)
				if v.str == "" {
					v.callee = r.value(fn, depth+1)
				}
			}
		}
		if ta := n.ChildByFieldName("type_arguments"); ta != nil {
			v.typeArgs = r.typeNames(ta)
		}
		for _, a := range namedChildren(n.ChildByFieldName("arguments")) {
			v.vals = append(v.vals, r.value(a, depth+1))
		}
	case "parenthesized_expression", "non_null_expression", "as_expression", "satisfies_expression", "await_expression", "type_assertion":
		if k := namedChildren(n); len(k) > 0 {
			return r.value(k[0], depth+1)
		}
	}
	return v
}

func (r *jsReader) keyOffset(k *sitter.Node) int {
	if k == nil {
		return 0
	}
	if k.Type() == "string" {
		for _, c := range children(k) {
			if c.Type() == "string_fragment" {
				return int(c.StartByte())
			}
		}
		return int(k.StartByte()) + 1
	}
	return int(k.StartByte())
}

// stringContent decodes a string literal's value into v.
func (r *jsReader) stringContent(v *jsVal, n *sitter.Node) {
	kids := children(n)
	v.off = int(n.StartByte()) + 1
	v.exact = true
	var b strings.Builder
	first := true
	for _, c := range kids {
		switch c.Type() {
		case "string_fragment":
			if first {
				v.off = int(c.StartByte())
			}
			b.WriteString(r.text(c))
			first = false
		case "escape_sequence":
			b.WriteString(jsUnescape(r.text(c)))
			v.exact = false
			first = false
		}
	}
	v.str = b.String()
}

func jsUnescape(s string) string {
	switch s {
	case `\n`:
		return "\n"
	case `\t`:
		return "\t"
	case `\r`:
		return "\r"
	case `\0`:
		return "\x00"
	}
	if len(s) == 2 {
		return s[1:]
	}
	return ""
}

// callSite returns the call or new expression n as a chain top, or false
// when n is an inner link of a longer chain (a(x) in a(x).b(y)).
func (r *jsReader) callSite(n *sitter.Node) (*jsCallSite, bool) {
	p := n.Parent()
	if p != nil && p.Type() == "member_expression" {
		if obj := p.ChildByFieldName("object"); obj != nil && obj.Equal(n) {
			if pp := p.Parent(); pp != nil && pp.Type() == "call_expression" {
				if fn := pp.ChildByFieldName("function"); fn != nil && fn.Equal(p) {
					return nil, false
				}
			}
		}
	}
	if !r.interesting(n) {
		return nil, false
	}
	site := &jsCallSite{val: r.value(n, 0)}
	// Where does the value go?
	up := p
	for up != nil {
		switch up.Type() {
		case "parenthesized_expression", "await_expression", "as_expression", "non_null_expression", "satisfies_expression":
			up = up.Parent()
			continue
		case "variable_declarator":
			if name := up.ChildByFieldName("name"); name != nil && name.Type() == "identifier" {
				site.assigned = r.text(name)
			}
		case "assignment_expression":
			site.assigned = r.path(up.ChildByFieldName("left"))
		case "public_field_definition", "field_definition":
			name := up.ChildByFieldName("name")
			if name == nil {
				name = up.ChildByFieldName("property")
			}
			if name != nil {
				site.assigned = "this." + r.text(name)
			}
		}
		break
	}
	for a := p; a != nil; a = a.Parent() {
		if t := a.Type(); t == "class_declaration" || t == "abstract_class_declaration" || t == "class" {
			if name := a.ChildByFieldName("name"); name != nil {
				site.class = r.text(name)
			}
			break
		}
	}
	return site, true
}

// jsChainNames are the callee and method names the readers look at; a
// chain without any of them is not converted (most calls of a file are
// not ORM calls, and converting costs a walk of their arguments).
var jsChainNames = map[string]bool{}

func init() {
	for _, set := range []map[string]bool{jsMethodMarkers, knexMethods, knexRootMethods, typeormStringSteps, typeormJoinSteps, drizzleTableFuncs} {
		for k := range set {
			jsChainNames[k] = true
		}
	}
	for k := range kyselyStarts {
		jsChainNames[k] = true
	}
	for k := range sequelizeQueryMethods {
		jsChainNames[k] = true
	}
	for _, k := range []string{
		"EntitySchema", "Sequelize", "knexSnakeCaseMappers", "CamelCasePlugin", "drizzle", "pgSchema",
		"table", "values", "set", "belongsTo", "hasMany", "hasOne", "require", "knex", "Knex", "with",
		"withRecursive", "getTreeRepository", "withRepository", "selectAll", "returningAll", "addFrom",
		"into", "increment", "decrement", "merge", "onConflict", "columns",
	} {
		jsChainNames[k] = true
	}
}

// interesting reports whether a chain top calls a name the readers look
// at, or is a plain call of a name with one string or object argument
// (knex("users") on an instance of any name).
func (r *jsReader) interesting(n *sitter.Node) bool {
	for depth := 0; n != nil && depth < 64; depth++ {
		var fn *sitter.Node
		switch n.Type() {
		case "call_expression":
			fn = n.ChildByFieldName("function")
		case "new_expression":
			fn = n.ChildByFieldName("constructor")
		default:
			return false
		}
		if fn == nil {
			return false
		}
		switch fn.Type() {
		case "member_expression":
			if jsChainNames[r.text(fn.ChildByFieldName("property"))] {
				return true
			}
			n = fn.ChildByFieldName("object")
			if t := n.Type(); t != "call_expression" && t != "new_expression" {
				return false
			}
		case "identifier":
			if jsChainNames[r.text(fn)] {
				return true
			}
			args := namedChildren(n.ChildByFieldName("arguments"))
			return len(args) == 1 && (args[0].Type() == "string" || args[0].Type() == "object")
		case "call_expression": // require("knex")({...})
			n = fn
		default:
			return false
		}
	}
	return false
}
