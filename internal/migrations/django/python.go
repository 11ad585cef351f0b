package django

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/migrations/nesting"
	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// kind is what a Python expression evaluated to, as far as a migration
// file needs: literals, containers, calls and dotted names. Anything else
// (comprehensions, f-strings, arithmetic) is unknown and keeps its text.
type kind int

const (
	kUnknown kind = iota
	kNone
	kBool
	kInt
	kFloat
	kStr
	kBytes
	kList
	kTuple
	kSet
	kDict
	kCall
	kName // a dotted name: models.CASCADE, settings.AUTH_USER_MODEL
)

// value is a Python expression of a migration file, evaluated without
// running it.
type value struct {
	kind  kind
	start int // byte offsets of the expression in the file
	end   int
	text  string // source text

	b bool
	i int64
	s string // str and bytes value, float text, dotted name, call function name

	items  []*value // list/tuple/set items, dict values, call positional arguments
	keys   []*value // dict keys
	kwargs []kwarg  // call keyword arguments

	// verbatim is true for a string literal whose value is exactly the
	// bytes [valStart, valEnd) of the file (no escapes, one literal), so
	// SQL inside it can be parsed in place.
	verbatim         bool
	valStart, valEnd int
	// hasError is true when the expression contains a syntax error.
	hasError bool
}

type kwarg struct {
	name  string
	value *value
}

func (v *value) is(k kind) bool { return v != nil && v.kind == k }

// source is the expression's text, "" for a missing one.
func (v *value) source() string {
	if v == nil {
		return ""
	}
	return v.text
}

// kw returns the keyword argument name of a call, or nil.
func (v *value) kw(name string) *value {
	if v == nil {
		return nil
	}
	for _, a := range v.kwargs {
		if a.name == name {
			return a.value
		}
	}
	return nil
}

// arg returns keyword argument name or else positional argument i.
func (v *value) arg(i int, name string) *value {
	if a := v.kw(name); a != nil {
		return a
	}
	if v != nil && i >= 0 && i < len(v.items) {
		return v.items[i]
	}
	return nil
}

// str returns the string value and whether it is one.
func (v *value) str() (string, bool) {
	if v.is(kStr) {
		return v.s, true
	}
	return "", false
}

// truthy evaluates a constant as Python would; ok is false for
// non-constants.
func (v *value) truthy() (bool, bool) {
	if v == nil {
		return false, false
	}
	switch v.kind {
	case kNone:
		return false, true
	case kBool:
		return v.b, true
	case kInt:
		return v.i != 0, true
	case kStr:
		return v.s != "", true
	case kList, kTuple, kSet, kDict:
		return len(v.items) > 0, true
	}
	return false, false
}

// seq returns the items of a list, tuple or set.
func (v *value) seq() ([]*value, bool) {
	if v.is(kList) || v.is(kTuple) || v.is(kSet) {
		return v.items, true
	}
	return nil, false
}

// lastName is the last component of a call's function or a dotted name:
// "AddField" for migrations.AddField.
func (v *value) lastName() string {
	if v == nil {
		return ""
	}
	s := v.s
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// module is a parsed Python file.
type module struct {
	src    []byte
	str    string // src, for substrings that share its memory
	root   *tsnode.Node
	funcs  map[string]bool // module-level def names
	errors []syntaxErr
	in     *interp // the names the module binds (interp.go)
}

type syntaxErr struct {
	start, end int
	message    string
}

func parsePython(src []byte) *module { return parsePythonIn(nil, src) }

// parsePythonIn reads a module from its tree in trees. A file nested
// deeper than Python allows is not parsed at all: tree-sitter would
// spend seconds on it, and Django cannot import it. It reads as an
// empty module with that one error.
func parsePythonIn(trees *Trees, src []byte) *module {
	deep := nesting.Python(src)
	var root *tsnode.Node
	if deep >= 0 {
		root = parseTree(nil)
	} else {
		root = trees.tree(src)
	}
	m := &module{src: src, str: string(src), root: root, funcs: map[string]bool{}}
	if deep >= 0 {
		m.errors = append(m.errors, syntaxErr{deep, deep + 1, tooDeepMessage})
	}
	m.collectErrors(m.root)
	for _, n := range tsnode.Named(m.root) {
		switch n.Type() {
		case "function_definition":
			if nm := n.ChildByFieldName("name"); nm != nil {
				m.funcs[tsnode.Text(nm, m.str)] = true
			}
		case "decorated_definition":
			if d := n.ChildByFieldName("definition"); d != nil && d.Type() == "function_definition" {
				if nm := d.ChildByFieldName("name"); nm != nil {
					m.funcs[tsnode.Text(nm, m.str)] = true
				}
			}
		}
	}
	m.run()
	return m
}

// tooDeepMessage is the error of a file nested past Python's limit.
var tooDeepMessage = fmt.Sprintf("Python syntax error: too many nested parentheses (Python allows %d levels): Django cannot import this migration, and schemagate does not read it", nesting.MaxPython)

// collectErrors records tree-sitter's ERROR and MISSING nodes, outermost
// only.
func (m *module) collectErrors(n *tsnode.Node) {
	if !n.HasError() && !n.IsMissing() {
		return
	}
	if n.IsError() {
		m.errors = append(m.errors, syntaxErr{int(n.StartByte()), int(n.EndByte()), "Python syntax error: unexpected " + describeTokens(tsnode.Text(n, m.str))})
		return
	}
	if n.IsMissing() {
		m.errors = append(m.errors, syntaxErr{int(n.StartByte()), int(n.EndByte()), "Python syntax error: missing " + strconv.Quote(n.Type())})
		return
	}
	for _, kid := range tsnode.Children(n) {
		m.collectErrors(kid)
	}
}

func describeTokens(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > 30 {
		r := []rune(s)
		s = string(r[:30]) + "…"
	}
	if s == "" {
		return "end of input"
	}
	return strconv.Quote(s)
}

// eval evaluates an expression node. depth bounds the resolution of
// module-level names.
func (m *module) eval(n *tsnode.Node) *value { return m.evalDepth(n, 0) }

func (m *module) evalDepth(n *tsnode.Node, depth int) *value {
	start, end := int(n.StartByte()), int(n.EndByte())
	// (x) is x over the outer span: unwrapped in a loop, so that deep
	// parentheses cost no recursion.
	typ := n.Type()
	if typ == "parenthesized_expression" {
		inner := n
		for typ == "parenthesized_expression" && inner.NamedChildCount() == 1 {
			inner = inner.NamedChild(0)
			typ = inner.Type()
		}
		if inner != n {
			v := m.evalDepth(inner, depth)
			v.start, v.end, v.text = start, end, m.str[start:end]
			return v
		}
	}
	v := &value{start: start, end: end, text: m.str[start:end], hasError: n.HasError()}
	switch typ {
	case "none":
		v.kind = kNone
	case "true":
		v.kind, v.b = kBool, true
	case "false":
		v.kind = kBool
	case "integer":
		t := strings.ReplaceAll(strings.ToLower(v.text), "_", "")
		base := 10
		switch {
		case strings.HasPrefix(t, "0x"):
			base, t = 16, t[2:]
		case strings.HasPrefix(t, "0o"):
			base, t = 8, t[2:]
		case strings.HasPrefix(t, "0b"):
			base, t = 2, t[2:]
		}
		if i, err := strconv.ParseInt(t, base, 64); err == nil {
			v.kind, v.i = kInt, i
		}
	case "float":
		v.kind, v.s = kFloat, strings.ReplaceAll(v.text, "_", "")
	case "unary_operator":
		op := n.ChildByFieldName("operator")
		arg := n.ChildByFieldName("argument")
		if op != nil && arg != nil {
			a := m.evalDepth(arg, depth)
			switch {
			case op.Type() == "-" && a.kind == kInt:
				v.kind, v.i = kInt, -a.i
			case op.Type() == "-" && a.kind == kFloat:
				v.kind, v.s = kFloat, "-"+a.s
			case op.Type() == "+" && (a.kind == kInt || a.kind == kFloat):
				v.kind, v.i, v.s = a.kind, a.i, a.s
			}
		}
	case "string":
		m.evalString(n, v)
	case "concatenated_string":
		var b strings.Builder
		ok, bytesLit := true, false
		for _, kid := range tsnode.Named(n) {
			part := &value{}
			m.evalString(kid, part)
			if part.kind != kStr && part.kind != kBytes {
				ok = false
				break
			}
			bytesLit = part.kind == kBytes
			b.WriteString(part.s)
		}
		if ok {
			v.kind, v.s = kStr, b.String()
			if bytesLit {
				v.kind = kBytes
			}
		}
	case "list", "tuple", "set", "expression_list":
		switch n.Type() {
		case "list":
			v.kind = kList
		case "set":
			v.kind = kSet
		default:
			v.kind = kTuple
		}
		for _, c := range tsnode.Named(n) {
			if c.Type() == "comment" {
				continue
			}
			v.items = append(v.items, m.evalDepth(c, depth))
		}
	case "dictionary":
		v.kind = kDict
		for _, c := range tsnode.Named(n) {
			if c.Type() != "pair" {
				if c.Type() == "comment" {
					continue
				}
				v.kind = kUnknown // **spread
				break
			}
			k, val := c.ChildByFieldName("key"), c.ChildByFieldName("value")
			if k == nil || val == nil {
				continue
			}
			v.keys = append(v.keys, m.evalDepth(k, depth))
			v.items = append(v.items, m.evalDepth(val, depth))
		}
	case "identifier", "attribute":
		name, ok := dottedName(n, m.src)
		if !ok {
			break
		}
		if r := m.resolve(name, v); r != nil {
			return r
		}
		v.kind, v.s = kName, name
	case "subscript":
		// Enum members as makemigrations writes them:
		// Deferrable['DEFERRED'], Status['NEW'].
		obj, sub := n.ChildByFieldName("value"), n.ChildByFieldName("subscript")
		if obj == nil || sub == nil {
			break
		}
		name, ok := dottedName(obj, m.src)
		key := m.evalDepth(sub, depth)
		if ok && key.kind == kStr {
			v.kind, v.s = kName, name+"."+key.s
		}
	case "binary_operator":
		m.binary(n, v, depth)
	case "conditional_expression":
		if r := m.conditional(n, v, depth); r != nil {
			return r
		}
	case "call":
		if m.method(n, v, depth) {
			break
		}
		fn := n.ChildByFieldName("function")
		args := n.ChildByFieldName("arguments")
		if fn == nil {
			break
		}
		name, ok := dottedName(fn, m.src)
		if !ok {
			break
		}
		v.kind, v.s = kCall, name
		if args == nil {
			break
		}
		for _, a := range tsnode.Named(args) {
			switch a.Type() {
			case "keyword_argument":
				k, val := a.ChildByFieldName("name"), a.ChildByFieldName("value")
				if k != nil && val != nil {
					v.kwargs = append(v.kwargs, kwarg{tsnode.Text(k, m.str), m.evalDepth(val, depth)})
				}
			case "comment":
			default:
				// *args and **kwargs stay unknown positional values.
				v.items = append(v.items, m.evalDepth(a, depth))
			}
		}
	}
	return v
}

// conditional evaluates `a if cond else b`: the branch a decided
// condition picks (returned), or, for a condition schemagate cannot
// decide between two lists, the items of both into v, as an undecided
// if statement merges what its branches bind (allauth's
// `fields=[...] + ([("sites", ...)] if app_settings.SITES_ENABLED else
// [])`). nil and v unknown otherwise.
func (m *module) conditional(n *tsnode.Node, v *value, depth int) *value {
	if n.NamedChildCount() != 3 {
		return nil
	}
	yes, c, no := n.NamedChild(0), n.NamedChild(1), n.NamedChild(2)
	if t, known := m.truth(c); known {
		if t {
			return m.evalDepth(yes, depth)
		}
		return m.evalDepth(no, depth)
	}
	a, b := m.evalDepth(yes, depth), m.evalDepth(no, depth)
	if !(a.is(kList) || a.is(kTuple)) || !(b.is(kList) || b.is(kTuple)) || !m.grow(len(a.items)+len(b.items)) {
		return nil
	}
	v.kind = kList
	v.items = append(append(v.items, a.items...), b.items...)
	if m.in != nil && !m.in.condHinted[v.start] {
		m.in.condHinted[v.start] = true
		m.in.undecided = append(m.in.undecided, [2]int{v.start, v.end})
		m.in.hints = append(m.in.hints, syntaxErr{int(n.StartByte()), int(n.EndByte()),
			"condition schemagate cannot evaluate: the items of both branches are read, and what is found there is at most a warning"})
	}
	return nil
}

// settingDefault returns the default of getattr(settings, "NAME",
// default): what a project that does not set NAME runs. Reusable apps
// size fields so (max_length=getattr(settings, "..._MAX_LENGTH", 255)).
// Conditions on settings stay undecided: only field sizes use it.
func (v *value) settingDefault() *value {
	if v.is(kCall) && v.s == "getattr" && len(v.items) == 3 && len(v.kwargs) == 0 && v.items[0].is(kName) && v.items[0].s == "settings" {
		return v.items[2]
	}
	return v
}

// dottedName reads identifier and attribute chains ("a.b.c"), walking
// down the chain once.
func dottedName(n *tsnode.Node, src []byte) (string, bool) {
	var parts []string
	for n.Type() == "attribute" {
		obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
		if obj == nil || attr == nil {
			return "", false
		}
		parts = append(parts, string(src[attr.StartByte():attr.EndByte()]))
		n = obj
	}
	if n.Type() != "identifier" {
		return "", false
	}
	parts = append(parts, string(src[n.StartByte():n.EndByte()]))
	slices.Reverse(parts)
	return strings.Join(parts, "."), true
}

// evalString decodes one string literal node.
func (m *module) evalString(n *tsnode.Node, v *value) {
	if n.Type() != "string" {
		return
	}
	if !m.plainString(n, v) {
		m.parsedString(n, v)
	}
}

// parsedString decodes a string literal from its nodes: escapes and
// f-string interpolations are children.
func (m *module) parsedString(n *tsnode.Node, v *value) {
	var prefix string
	var b strings.Builder
	verbatim := true
	valStart, valEnd := -1, -1
	for _, c := range tsnode.Children(n) {
		switch c.Type() {
		case "string_start":
			t := tsnode.Text(c, m.str)
			prefix = strings.ToLower(strings.TrimRight(t, `"'`))
			valStart = int(c.EndByte())
		case "string_end":
			valEnd = int(c.StartByte())
		case "interpolation":
			s, ok := m.interpolation(c)
			if !ok {
				return // f-string of values known when the migration runs
			}
			b.WriteString(s)
			verbatim = false
		case "string_content":
			raw := strings.Contains(prefix, "r")
			if raw {
				b.WriteString(tsnode.Text(c, m.str))
				continue
			}
			// Escapes are children of the content node.
			pos := int(c.StartByte())
			for _, e := range tsnode.Children(c) {
				if e.Type() != "escape_sequence" && e.Type() != "escape_interpolation" {
					continue
				}
				b.Write(m.src[pos:e.StartByte()])
				b.WriteString(decodeEscape(tsnode.Text(e, m.str)))
				verbatim = false
				pos = int(e.EndByte())
			}
			b.Write(m.src[pos:c.EndByte()])
		}
	}
	v.kind, v.s = kStr, b.String()
	if strings.Contains(prefix, "b") {
		v.kind = kBytes
	}
	if !strings.Contains(prefix, "r") && strings.Contains(v.s, "\\") {
		// A backslash left undecoded (an unknown escape) is kept as
		// Python keeps it, but the value is no longer byte-exact.
		verbatim = false
	}
	if verbatim && valStart >= 0 && valEnd >= valStart && string(m.src[valStart:valEnd]) == v.s {
		v.verbatim, v.valStart, v.valEnd = true, valStart, valEnd
	}
}

// plainString decodes a string literal without escapes or
// interpolation from its text, without visiting its nodes (a migration
// can hold a hundred thousand literals); false when it has either.
func (m *module) plainString(n *tsnode.Node, v *value) bool {
	start, end := int(n.StartByte()), int(n.EndByte())
	text := m.str[start:end]
	p := strings.IndexAny(text, `"'`)
	if p < 0 || strings.IndexByte(text, '\\') >= 0 {
		return false
	}
	prefix := strings.ToLower(text[:p])
	if strings.ContainsAny(prefix, "ft") {
		return false
	}
	q := text[p : p+1]
	if rest := text[p:]; len(rest) >= 6 && strings.HasPrefix(rest, q+q+q) {
		q += q + q
	}
	if len(text)-p < 2*len(q) || !strings.HasSuffix(text, q) {
		return false // unterminated
	}
	valStart, valEnd := start+p+len(q), end-len(q)
	v.kind, v.s = kStr, m.str[valStart:valEnd]
	if strings.Contains(prefix, "b") {
		v.kind = kBytes
	}
	v.verbatim, v.valStart, v.valEnd = true, valStart, valEnd
	return true
}

func decodeEscape(e string) string {
	if len(e) < 2 {
		return e
	}
	if v, ok := lang.SimpleEscape(e[1]); ok {
		return v
	}
	switch e[1] {
	case '\n', '\r':
		return ""
	case 'x', 'u', 'U':
		if n, err := strconv.ParseUint(e[2:], 16, 32); err == nil {
			return string(rune(n))
		}
	case '0', '1', '2', '3', '4', '5', '6', '7':
		if n, err := strconv.ParseUint(e[1:], 8, 32); err == nil {
			return string(rune(n))
		}
	}
	// {{ and }} in f-strings, \N{...} and unknown escapes.
	if e == "{{" || e == "}}" {
		return e[:1]
	}
	return e
}
