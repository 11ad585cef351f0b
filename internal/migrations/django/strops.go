package django

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/tsnode"
)

// The operators migration files build SQL and operation lists with,
// evaluated on constants only: a + b on strings, bytes, numbers, lists
// and tuples; "..." % args; "...".format(...); "sep".join(items);
// "...".strip(); f-strings. Anything else leaves the value unknown.

// binary evaluates a binary operator into v.
func (m *module) binary(n *tsnode.Node, v *value, depth int) {
	l, r, op := n.ChildByFieldName("left"), n.ChildByFieldName("right"), n.ChildByFieldName("operator")
	if l == nil || r == nil || op == nil {
		return
	}
	if op.Type() == "+" {
		m.sum(n, v, depth)
		return
	}
	a, b := m.evalDepth(l, depth), m.evalDepth(r, depth)
	switch op.Type() {
	case "%":
		if s, ok := a.str(); ok {
			if out, ok := pyPercent(s, b); ok && m.grow(len(out)) {
				v.kind, v.s = kStr, out
			}
		}
	}
}

// sum evaluates a chain a + b + c + ... into v. Python's + is left
// associative, so the chain is a left spine of binary nodes; it is read
// in a loop, and a chain of strings (or of lists) is built once, at its
// full length: folding it pair by pair would copy the prefix at every
// step, quadratic in the chain's length, and recurse once per term.
func (m *module) sum(n *tsnode.Node, v *value, depth int) {
	var rights []*tsnode.Node
	for n.Type() == "binary_operator" {
		l, op, r := binaryParts(n)
		if l == nil || r == nil || op == nil || op.Type() != "+" {
			break
		}
		rights = append(rights, r)
		n = l
	}
	terms := make([]*value, 0, len(rights)+1)
	terms = append(terms, m.evalDepth(n, depth))
	for i := len(rights) - 1; i >= 0; i-- {
		terms = append(terms, m.evalDepth(rights[i], depth))
	}
	if m.concat(terms, v) {
		return
	}
	acc := terms[0]
	for _, t := range terms[1:] {
		next := &value{}
		m.plus(acc, t, next)
		acc = next
	}
	v.kind, v.s, v.i, v.items = acc.kind, acc.s, acc.i, acc.items
}

// binaryParts returns a binary operator's operands and operator: its
// three children, unless comments sit among them (field lookups cost an
// allocation and three cgo calls each).
func binaryParts(n *tsnode.Node) (l, op, r *tsnode.Node) {
	if n.ChildCount() == 3 {
		return n.Child(0), n.Child(1), n.Child(2)
	}
	return n.ChildByFieldName("left"), n.ChildByFieldName("operator"), n.ChildByFieldName("right")
}

// concat builds terms all of one kind (str, bytes, list or tuple) into
// v at once; false when they are not.
func (m *module) concat(terms []*value, v *value) bool {
	k := terms[0].kind
	size := 0
	for _, t := range terms {
		if t.kind != k {
			return false
		}
		size += len(t.s) + len(t.items)
	}
	switch k {
	case kStr, kBytes:
		if m.grow(size) {
			var b strings.Builder
			b.Grow(size)
			for _, t := range terms {
				b.WriteString(t.s)
			}
			v.kind, v.s = k, b.String()
		}
	case kList, kTuple:
		if m.grow(size) {
			v.kind, v.items = k, make([]*value, 0, size)
			for _, t := range terms {
				v.items = append(v.items, t.items...)
			}
		}
	default:
		return false
	}
	return true
}

// plus is Python's + on constants.
func (m *module) plus(a, b, v *value) {
	switch {
	case a.is(kStr) && b.is(kStr), a.is(kBytes) && b.is(kBytes):
		if m.grow(len(a.s) + len(b.s)) {
			v.kind, v.s = a.kind, a.s+b.s
		}
	case a.is(kInt) && b.is(kInt):
		v.kind, v.i = kInt, a.i+b.i
	case a.is(kList) && b.is(kList), a.is(kTuple) && b.is(kTuple):
		if m.grow(len(a.items) + len(b.items)) {
			v.kind = a.kind
			v.items = append(append(make([]*value, 0, len(a.items)+len(b.items)), a.items...), b.items...)
		}
	}
}

// stringMethods are the str methods evaluated on constants.
var stringMethods = map[string]bool{"format": true, "join": true, "strip": true, "lstrip": true, "rstrip": true}

// method evaluates "...".format(...), "sep".join(...), the strip
// methods and the builtins list(), tuple(), set() and str() of constants
// into v; false when the call is none of them.
func (m *module) method(n *tsnode.Node, v *value, depth int) bool {
	fn := n.ChildByFieldName("function")
	if fn != nil && fn.Type() == "identifier" {
		return m.builtin(m.text(fn), n, v, depth)
	}
	if fn == nil || fn.Type() != "attribute" {
		return false
	}
	obj, attr := fn.ChildByFieldName("object"), fn.ChildByFieldName("attribute")
	if obj == nil || attr == nil || !stringMethods[m.text(attr)] {
		return false
	}
	recv := m.evalDepth(obj, depth)
	s, ok := recv.str()
	if !ok {
		return false
	}
	pos, kw, ok := m.callArgs(n.ChildByFieldName("arguments"), depth)
	if !ok {
		return true // a string method on values schemagate cannot read
	}
	out := ""
	switch name := m.text(attr); name {
	case "format":
		if out, ok = pyFormat(s, pos, kw); !ok {
			return true
		}
	case "join":
		if len(pos) != 1 || len(kw) != 0 {
			return true
		}
		items, isSeq := pos[0].seq()
		if !isSeq {
			return true
		}
		parts := make([]string, len(items))
		for i, it := range items {
			if parts[i], ok = it.str(); !ok {
				return true
			}
		}
		out = strings.Join(parts, s)
	default: // strip, lstrip, rstrip
		cut := " \t\n\r\v\f"
		if len(pos) == 1 && pos[0].is(kStr) {
			cut = pos[0].s
		} else if len(pos) != 0 || len(kw) != 0 {
			return true
		}
		out = s
		if name != "rstrip" {
			out = strings.TrimLeft(out, cut)
		}
		left := len(s) - len(out)
		if name != "lstrip" {
			out = strings.TrimRight(out, cut)
		}
		if recv.verbatim {
			// The stripped text is still the literal's own bytes: its SQL
			// is parsed in place.
			v.verbatim, v.valStart, v.valEnd = true, recv.valStart+left, recv.valStart+left+len(out)
		}
	}
	if m.grow(len(out)) {
		v.kind, v.s = kStr, out
	}
	return true
}

var builtinKinds = map[string]kind{"list": kList, "tuple": kTuple, "set": kSet, "frozenset": kSet, "str": kStr}

// builtin evaluates list(x), tuple(x), set(x) and str(x) of constants,
// unless the module binds the name to something else.
func (m *module) builtin(name string, n *tsnode.Node, v *value, depth int) bool {
	k, ok := builtinKinds[name]
	if !ok || m.in.cur.lookup(name) != nil {
		return false
	}
	pos, kw, ok := m.callArgs(n.ChildByFieldName("arguments"), depth)
	if !ok || len(kw) > 0 || len(pos) > 1 {
		return false
	}
	if k == kStr {
		if len(pos) == 0 {
			v.kind = kStr
			return true
		}
		s, ok := pyConvert("", pos[0])
		if ok {
			v.kind, v.s = kStr, s
		}
		return ok
	}
	if len(pos) == 0 {
		v.kind = k
		return true
	}
	items, ok := pos[0].seq()
	if !ok {
		return false
	}
	v.kind, v.items = k, items
	return true
}

// callArgs evaluates a call's arguments, *list and **dict included; ok
// is false when one cannot be read.
func (m *module) callArgs(args *tsnode.Node, depth int) (pos []*value, kw []kwarg, ok bool) {
	if args == nil {
		return nil, nil, true
	}
	for _, a := range tsnode.Named(args) {
		switch a.Type() {
		case "comment":
		case "keyword_argument":
			k, val := a.ChildByFieldName("name"), a.ChildByFieldName("value")
			if k == nil || val == nil {
				return nil, nil, false
			}
			kw = append(kw, kwarg{m.text(k), m.evalDepth(val, depth)})
		case "list_splat":
			items, isSeq := m.evalDepth(a.NamedChild(0), depth).seq()
			if !isSeq {
				return nil, nil, false
			}
			pos = append(pos, items...)
		case "dictionary_splat":
			d := m.evalDepth(a.NamedChild(0), depth)
			if !d.is(kDict) {
				return nil, nil, false
			}
			for j, k := range d.keys {
				name, isStr := k.str()
				if !isStr {
					return nil, nil, false
				}
				kw = append(kw, kwarg{name, d.items[j]})
			}
		case "generator_expression":
			return nil, nil, false
		default:
			pos = append(pos, m.evalDepth(a, depth))
		}
	}
	return pos, kw, true
}

// interpolation is the text of an f-string's {expr}, {expr!r}: ok is
// false when the expression is not a constant or has a format spec.
func (m *module) interpolation(n *tsnode.Node) (string, bool) {
	e := n.ChildByFieldName("expression")
	if e == nil {
		return "", false
	}
	if fs := n.ChildByFieldName("format_specifier"); fs != nil && strings.TrimPrefix(m.text(fs), ":") != "" {
		return "", false
	}
	for _, c := range tsnode.Children(n) {
		if c.Type() == "=" {
			return "", false // {x=} writes the expression's text too
		}
	}
	conv := ""
	if tc := n.ChildByFieldName("type_conversion"); tc != nil {
		conv = strings.TrimPrefix(m.text(tc), "!")
	}
	return pyConvert(conv, m.eval(e))
}

// pyConvert is str() ("" or "s") or repr() ("r") of a constant.
func pyConvert(conv string, v *value) (string, bool) {
	switch {
	case conv == "r" && v.is(kStr):
		return pyRepr(v.s)
	case conv != "" && conv != "s" && conv != "r":
		return "", false
	}
	switch {
	case v.is(kStr):
		return v.s, true
	case v.is(kInt):
		return strconv.FormatInt(v.i, 10), true
	case v.is(kFloat):
		return pyFloat(v.s), true
	case v.is(kBool):
		if v.b {
			return "True", true
		}
		return "False", true
	case v.is(kNone):
		return "None", true
	}
	return "", false
}

// pyRepr is repr() of a str.
func pyRepr(s string) (string, bool) {
	q := '\''
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteRune(q)
	for _, r := range s {
		switch {
		case r == '\\' || r == q:
			b.WriteRune('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r < 0xa0:
			return "", false // Python writes these as escapes of its own choosing
		default:
			b.WriteRune(r)
		}
	}
	b.WriteRune(q)
	return b.String(), true
}

// pyPercent is printf-style formatting, "..." % args, for the plain
// conversions %s %r %d %i %u and %%, positional or by %(name)s.
func pyPercent(f string, args *value) (string, bool) {
	var positional []*value
	var mapping *value
	switch {
	case args.is(kTuple):
		positional = args.items
	case args.is(kDict):
		mapping = args
	case args == nil || args.kind == kUnknown || args.kind == kName || args.kind == kCall:
		return "", false
	default:
		positional = []*value{args}
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			b.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return "", false
		}
		var arg *value
		if f[i] == '(' {
			j := strings.IndexByte(f[i:], ')')
			if j < 0 || mapping == nil {
				return "", false
			}
			if arg = dictGet(mapping, f[i+1:i+j]); arg == nil {
				return "", false
			}
			if i += j + 1; i >= len(f) {
				return "", false
			}
		}
		conv := f[i]
		if conv == '%' && arg == nil {
			b.WriteByte('%')
			continue
		}
		if arg == nil {
			if mapping != nil || n >= len(positional) {
				return "", false
			}
			arg = positional[n]
			n++
		}
		var s string
		var ok bool
		switch conv {
		case 's', 'r':
			s, ok = pyConvert(string(conv), arg)
		case 'd', 'i', 'u':
			switch {
			case arg.is(kInt):
				s, ok = strconv.FormatInt(arg.i, 10), true
			case arg.is(kBool):
				s, ok = map[bool]string{true: "1", false: "0"}[arg.b], true
			}
		}
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	if mapping == nil && n != len(positional) {
		return "", false // Python: not all arguments converted
	}
	return b.String(), true
}

// pyFormat is str.format with {} {0} {name} fields, !s and !r, and no
// format spec.
func pyFormat(f string, pos []*value, kw []kwarg) (string, bool) {
	var b strings.Builder
	auto, manual := 0, false
	for i := 0; i < len(f); i++ {
		switch c := f[i]; c {
		case '{':
			if i+1 < len(f) && f[i+1] == '{' {
				b.WriteByte('{')
				i++
				continue
			}
			j := strings.IndexByte(f[i:], '}')
			if j < 0 {
				return "", false
			}
			field := f[i+1 : i+j]
			i += j
			if k := strings.IndexByte(field, ':'); k >= 0 {
				if field[k+1:] != "" {
					return "", false
				}
				field = field[:k]
			}
			name, conv, _ := strings.Cut(field, "!")
			if strings.ContainsAny(name, ".[{") {
				return "", false
			}
			var arg *value
			switch idx, err := strconv.Atoi(name); {
			case name == "":
				if manual || auto >= len(pos) {
					return "", false
				}
				arg = pos[auto]
				auto++
			case err == nil:
				if auto > 0 || idx < 0 || idx >= len(pos) {
					return "", false
				}
				manual = true
				arg = pos[idx]
			default:
				for _, a := range kw {
					if a.name == name {
						arg = a.value
					}
				}
			}
			if arg == nil {
				return "", false
			}
			s, ok := pyConvert(conv, arg)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		case '}':
			if i+1 < len(f) && f[i+1] == '}' {
				b.WriteByte('}')
				i++
				continue
			}
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
