package orm

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
)

// pyModule is the part of a Python module the model extractors read:
// imports and top-level classes and assignments.
type pyModule struct {
	src     []byte
	imports map[string]string // local name -> qualified origin
	classes []*pyClass
	byName  map[string]*pyClass
	assigns []pyAttr // top-level assignments (for Table(...) objects)
}

// pyClass is one class definition.
type pyClass struct {
	name   string
	off    int            // byte offset of the class keyword
	bases  []*sitter.Node // positional superclass expressions
	kwargs map[string]*sitter.Node
	attrs  []pyAttr // class-body assignments, in order
	meta   *pyClass // nested class Meta (Django)
}

// pyClassMemo builds what each class of a module contributes once, after
// its bases. A class met again while it is being built (a base cycle in
// broken code) gets a zero T.
type pyClassMemo[T any] struct {
	done map[*pyClass]*T
	busy map[*pyClass]bool
}

func (m *pyClassMemo[T]) get(c *pyClass, build func(*pyClass) *T) *T {
	if r, ok := m.done[c]; ok {
		return r
	}
	if m.busy[c] {
		return new(T)
	}
	if m.done == nil {
		m.done, m.busy = map[*pyClass]*T{}, map[*pyClass]bool{}
	}
	m.busy[c] = true
	r := build(c)
	m.busy[c] = false
	m.done[c] = r
	return r
}

// pyAttr is `name [: type] [= value]`.
type pyAttr struct {
	name  string
	typ   *sitter.Node
	value *sitter.Node
	off   int
}

// pyCall is a call expression taken apart.
type pyCall struct {
	fn     string // dotted name of the callee as written ("models.CharField")
	args   []*sitter.Node
	kwargs map[string]*sitter.Node
}

func readPyModule(root *sitter.Node, src []byte) *pyModule {
	m := &pyModule{src: src, imports: map[string]string{}, byName: map[string]*pyClass{}}
	for _, st := range namedChildren(root) {
		m.topLevel(st)
	}
	return m
}

func (m *pyModule) topLevel(st *sitter.Node) {
	src := m.src
	switch st.Type() {
	case "import_statement":
		for _, n := range namedChildren(st) {
			switch n.Type() {
			case "dotted_name":
				name := text(n, src)
				first := strings.SplitN(name, ".", 2)[0]
				m.imports[first] = first
			case "aliased_import":
				m.imports[text(n.ChildByFieldName("alias"), src)] = text(n.ChildByFieldName("name"), src)
			}
		}
	case "import_from_statement":
		mod := text(st.ChildByFieldName("module_name"), src)
		for i := 0; i < int(st.NamedChildCount()); i++ {
			if st.FieldNameForChild(childIndexOfNamed(st, i)) != "name" {
				continue
			}
			n := st.NamedChild(i)
			switch n.Type() {
			case "dotted_name":
				m.imports[text(n, src)] = mod + "." + text(n, src)
			case "aliased_import":
				m.imports[text(n.ChildByFieldName("alias"), src)] = mod + "." + text(n.ChildByFieldName("name"), src)
			}
		}
	case "class_definition":
		c := m.readClass(st)
		m.classes = append(m.classes, c)
		if _, dup := m.byName[c.name]; !dup {
			m.byName[c.name] = c
		}
	case "decorated_definition":
		if d := st.ChildByFieldName("definition"); d != nil {
			m.topLevel(d)
		}
	case "expression_statement":
		for _, a := range namedChildren(st) {
			m.assigns = append(m.assigns, pyAssign(a, src)...)
		}
	case "if_statement", "try_statement", "with_statement", "elif_clause", "else_clause", "except_clause", "finally_clause":
		// Definitions under `if settings.X:` or `try:` still count.
		forCompound(st, m.topLevel)
	}
}

// forCompound calls fn for each statement in the blocks and clauses of
// a compound statement.
func forCompound(st *sitter.Node, fn func(*sitter.Node)) {
	for _, c := range namedChildren(st) {
		switch {
		case c.Type() == "block":
			for _, s := range namedChildren(c) {
				fn(s)
			}
		case strings.HasSuffix(c.Type(), "_clause"):
			forCompound(c, fn)
		}
	}
}

// childIndexOfNamed maps the i-th named child to its index among all
// children, for FieldNameForChild.
func childIndexOfNamed(n *sitter.Node, i int) int {
	named := -1
	for j := 0; j < int(n.ChildCount()); j++ {
		if n.Child(j).IsNamed() {
			named++
			if named == i {
				return j
			}
		}
	}
	return -1
}

func (m *pyModule) readClass(st *sitter.Node) *pyClass {
	src := m.src
	c := &pyClass{
		name:   text(st.ChildByFieldName("name"), src),
		off:    int(st.StartByte()),
		kwargs: map[string]*sitter.Node{},
	}
	for _, b := range namedChildren(st.ChildByFieldName("superclasses")) {
		if b.Type() == "keyword_argument" {
			c.kwargs[text(b.ChildByFieldName("name"), src)] = b.ChildByFieldName("value")
			continue
		}
		c.bases = append(c.bases, b)
	}
	var stmt func(s *sitter.Node)
	stmt = func(s *sitter.Node) {
		switch s.Type() {
		case "expression_statement":
			for _, a := range namedChildren(s) {
				c.attrs = append(c.attrs, pyAssign(a, src)...)
			}
		case "class_definition":
			if text(s.ChildByFieldName("name"), src) == "Meta" {
				c.meta = m.readClass(s)
			}
		case "if_statement":
			// Fields declared under a condition still map columns.
			forCompound(s, stmt)
		}
	}
	for _, s := range namedChildren(st.ChildByFieldName("body")) {
		stmt(s)
	}
	return c
}

// pyAssign returns the attributes an assignment statement defines:
// `a = b = value` defines a and b; tuple targets are not fields.
func pyAssign(n *sitter.Node, src []byte) []pyAttr {
	if n.Type() != "assignment" {
		return nil
	}
	var names []string
	typ := n.ChildByFieldName("type")
	cur := n
	for cur != nil && cur.Type() == "assignment" {
		left := cur.ChildByFieldName("left")
		if left == nil || left.Type() != "identifier" {
			return nil
		}
		names = append(names, text(left, src))
		if t := cur.ChildByFieldName("type"); t != nil {
			typ = t
		}
		next := cur.ChildByFieldName("right")
		if next == nil || next.Type() != "assignment" {
			cur = next
			break
		}
		cur = next
	}
	var out []pyAttr
	for _, name := range names {
		out = append(out, pyAttr{name: name, typ: typ, value: cur, off: int(n.StartByte())})
	}
	return out
}

// dotted returns "a.b.c" for an identifier or attribute chain, else "".
func dotted(n *sitter.Node, src []byte) string {
	if n == nil {
		return ""
	}
	switch n.Type() {
	case "identifier":
		return text(n, src)
	case "attribute":
		obj := dotted(n.ChildByFieldName("object"), src)
		if obj == "" {
			return ""
		}
		return obj + "." + text(n.ChildByFieldName("attribute"), src)
	}
	return ""
}

// qualify expands the first part of a dotted name through the imports
// ("models.CharField" -> "django.db.models.CharField").
func (m *pyModule) qualify(name string) string {
	first, rest, _ := strings.Cut(name, ".")
	if q, ok := m.imports[first]; ok {
		if rest == "" {
			return q
		}
		return q + "." + rest
	}
	return name
}

func lastPart(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

func readCall(n *sitter.Node, src []byte) (pyCall, bool) {
	if n == nil || n.Type() != "call" {
		return pyCall{}, false
	}
	c := pyCall{fn: dotted(n.ChildByFieldName("function"), src), kwargs: map[string]*sitter.Node{}}
	if c.fn == "" {
		return pyCall{}, false
	}
	for _, a := range namedChildren(n.ChildByFieldName("arguments")) {
		if a.Type() == "keyword_argument" {
			c.kwargs[text(a.ChildByFieldName("name"), src)] = a.ChildByFieldName("value")
			continue
		}
		c.args = append(c.args, a)
	}
	return c, true
}

// attr returns the last value assigned to name in the class body.
func (c *pyClass) attr(name string) *sitter.Node {
	if c == nil {
		return nil
	}
	var v *sitter.Node
	for _, a := range c.attrs {
		if a.name == name {
			v = a.value
		}
	}
	return v
}

func isTrue(n *sitter.Node) bool { return n != nil && n.Type() == "true" }
