package django

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/tsnode"
)

// A migration module runs once, top to bottom, when Django imports it,
// and its Migration class body runs where the class statement stands.
// The interpreter here follows that order over the statements migration
// files build their operations with, so that operations held in
// variables and class attributes, concatenated lists and SQL built from
// constants read as Django reads them:
//
//	NAME = expr          a, b = x, y         NAME += expr
//	NAME.append(x)       NAME.extend(xs)     NAME.insert(i, x)
//	class C(Base): ...   C.attr = expr       del NAME
//
// Expressions are what python.go evaluates (literals, names, calls as
// data) and strops.go adds (+ on strings and sequences, % and
// str.format with constant arguments, f-strings of constants, str.join
// and str.strip). Nothing else runs: a function is never called, and a
// name bound inside an if, for, while, try, with or match statement is
// unknown, with the reason kept for the hint the translator gives where
// the name is used.

// binding is what a name is bound to in a scope.
type binding struct {
	v   *value // nil: unknown (why says why)
	cls *class // the name is bound to a class statement
	why string
	// start and end are the statement that bound the name.
	start, end int
	// read is set when the value is used: a later in-place change
	// (append, +=) is then not seen by that use.
	read bool
}

type scope struct {
	vars   map[string]*binding
	parent *scope
}

func newScope(parent *scope) *scope { return &scope{vars: map[string]*binding{}, parent: parent} }

func (s *scope) lookup(name string) *binding {
	for x := s; x != nil; x = x.parent {
		if b, ok := x.vars[name]; ok {
			return b
		}
	}
	return nil
}

// class is a class statement of the module: the names its body bound
// (and later C.attr = ... statements), and its bases defined in the same
// module.
type class struct {
	body  *scope
	bases []*class
}

// attr finds an attribute in the class or its bases, in method
// resolution order as far as single inheritance goes.
func (c *class) attr(name string, depth int) *binding {
	if b, ok := c.body.vars[name]; ok {
		return b
	}
	if depth > 16 {
		return nil
	}
	for _, base := range c.bases {
		if b := base.attr(name, depth+1); b != nil {
			return b
		}
	}
	return nil
}

// interp is the state of running one module.
type interp struct {
	global  *scope
	cur     *scope
	classes map[uint32]*class // class statements by start byte
	// why explains unknown values made from unknown bindings.
	why map[*value]string
	// hints are things the translator reports as unrecognised code.
	hints []syntaxErr
	// built counts the bytes and items the string and sequence operators
	// made, so that no input makes evaluation large.
	built     int
	overBuilt bool
	// steps and work count what the run did (control.go); stopped is
	// set once a bound stopped it.
	steps, work int
	stopped     bool
	// undecided are the blocks of branches no condition decided.
	undecided [][2]int
	// condHinted are the conditional expressions (by start) already
	// reported as undecided.
	condHinted map[int]bool
}

// maxBuilt bounds what the operators of one module build.
const maxBuilt = 16 << 20

// run executes the module's top-level statements.
func (m *module) run() {
	in := &interp{global: newScope(nil), classes: map[uint32]*class{}, why: map[*value]string{}, condHinted: map[int]bool{}}
	in.cur = in.global
	m.in = in
	m.runBlock(m.root)
}

func (m *module) runBlock(block *tsnode.Node) {
	for _, st := range tsnode.Named(block) {
		m.runStmt(st)
	}
}

// text is a node's source text.
func (m *module) text(n *tsnode.Node) string { return tsnode.Text(n, m.str) }

func (m *module) runStmt(st *tsnode.Node) {
	if !m.step(st) {
		return
	}
	switch st.Type() {
	case "expression_statement":
		for _, c := range tsnode.Named(st) {
			switch c.Type() {
			case "assignment":
				m.assign(c, st)
			case "augmented_assignment":
				m.augment(c, st)
			case "call":
				m.mutate(c, st)
			}
		}
	case "class_definition":
		m.defineClass(st)
	case "decorated_definition":
		if d := st.ChildByFieldName("definition"); d != nil {
			if d.Type() == "class_definition" {
				m.defineClass(d)
			} else if nm := d.ChildByFieldName("name"); nm != nil {
				m.unbind(m.text(nm))
			}
		}
	case "function_definition":
		// A def rebinds its name to a function: no longer a constant.
		if nm := st.ChildByFieldName("name"); nm != nil {
			m.unbind(m.text(nm))
		}
	case "import_statement", "import_from_statement", "future_import_statement":
		m.unbindImports(st)
	case "delete_statement":
		m.forTargets(st, func(name string, _ *tsnode.Node) { m.unbind(name) })
	case "if_statement":
		m.runIf(st)
	case "for_statement":
		m.runFor(st)
	case "with_statement":
		m.runWith(st)
	case "try_statement":
		m.runTry(st)
	case "while_statement", "match_statement":
		m.unknownIn(st)
	}
}

// unbind forgets a name: it reads as a plain name again (an import, a
// function), as it did before it was bound.
func (m *module) unbind(name string) { delete(m.in.cur.vars, name) }

func (m *module) bind(name string, v *value, st *tsnode.Node) {
	b := &binding{v: v, start: int(st.StartByte()), end: int(st.EndByte())}
	if why, ok := m.in.why[v]; ok {
		b.v, b.why = nil, why
	}
	m.in.cur.vars[name] = b
}

func (m *module) bindUnknown(s *scope, name, why string, st *tsnode.Node) {
	s.vars[name] = &binding{why: why, start: int(st.StartByte()), end: int(st.EndByte())}
}

// assign runs NAME = expr, a = b = expr, a, b = x, y and C.attr = expr.
func (m *module) assign(a, st *tsnode.Node) {
	var targets []*tsnode.Node
	right := a
	for right != nil && right.Type() == "assignment" {
		if l := right.ChildByFieldName("left"); l != nil {
			targets = append(targets, l)
		}
		right = right.ChildByFieldName("right")
	}
	if right == nil {
		return // an annotation without a value
	}
	v := m.eval(right)
	for _, tg := range targets {
		m.bindTarget(tg, v, st)
	}
}

func (m *module) bindTarget(tg *tsnode.Node, v *value, st *tsnode.Node) {
	switch tg.Type() {
	case "identifier":
		m.bind(m.text(tg), v, st)
	case "pattern_list", "tuple_pattern", "list_pattern":
		names := tsnode.Named(tg)
		items, ok := v.seq()
		if ok && len(items) == len(names) && !v.is(kSet) {
			for i, n := range names {
				m.bindTarget(n, items[i], st)
			}
			return
		}
		m.forTargetsOf(tg, func(name string, _ *tsnode.Node) {
			m.bindUnknown(m.in.cur, name, "it is unpacked from a value schemagate cannot split", st)
		})
	case "attribute":
		if c, attr := m.classAttrTarget(tg); c != nil {
			prev := m.in.cur
			m.in.cur = c.body
			m.bind(attr, v, st)
			m.in.cur = prev
		}
	case "subscript":
		// NAME[i] = x changes the list in place.
		if obj := tg.ChildByFieldName("value"); obj != nil && obj.Type() == "identifier" {
			m.changedInPlace(m.text(obj), st)
		}
	}
}

// classAttrTarget reads C.attr where C is a class of the module.
func (m *module) classAttrTarget(n *tsnode.Node) (*class, string) {
	obj, attr := n.ChildByFieldName("object"), n.ChildByFieldName("attribute")
	if obj == nil || attr == nil || obj.Type() != "identifier" {
		return nil, ""
	}
	b := m.in.cur.lookup(m.text(obj))
	if b == nil || b.cls == nil {
		return nil, ""
	}
	return b.cls, m.text(attr)
}

// target finds the binding a statement changes in place: NAME or
// C.attr, and the scope it lives in.
func (m *module) target(n *tsnode.Node) (*binding, *scope, string) {
	switch n.Type() {
	case "identifier":
		name := m.text(n)
		for s := m.in.cur; s != nil; s = s.parent {
			if b, ok := s.vars[name]; ok {
				return b, s, name
			}
		}
	case "attribute":
		if c, attr := m.classAttrTarget(n); c != nil {
			if b, ok := c.body.vars[attr]; ok {
				return b, c.body, attr
			}
		}
	}
	return nil, nil, ""
}

// augment runs NAME += expr (and C.attr += expr). On a list, += extends
// it in place, as Python does.
func (m *module) augment(a, st *tsnode.Node) {
	left, right, op := a.ChildByFieldName("left"), a.ChildByFieldName("right"), a.ChildByFieldName("operator")
	if left == nil || right == nil || op == nil {
		return
	}
	b, s, name := m.target(left)
	if b == nil {
		return
	}
	r := m.eval(right)
	if op.Type() != "+=" || b.v == nil {
		m.bindUnknown(s, name, "it is changed with "+op.Type(), st)
		return
	}
	if b.v.is(kList) {
		m.warnAliased(b, name, st)
	}
	sum := &value{start: b.v.start, end: b.v.end, text: b.v.text}
	if more, ok := r.seq(); ok && b.v.is(kList) && !r.is(kSet) {
		// list += any sequence extends the list.
		r = &value{kind: kList, items: more}
	}
	m.plus(b.v, r, sum)
	if sum.kind == kUnknown {
		m.bindUnknown(s, name, "it is extended with a value schemagate cannot add", st)
		return
	}
	prev := m.in.cur
	m.in.cur = s
	m.bind(name, sum, st)
	m.in.cur = prev
}

// mutate runs NAME.append(x), NAME.extend(xs) and NAME.insert(i, x) on
// a list; other list methods that change it make it unknown.
func (m *module) mutate(call, st *tsnode.Node) {
	fn := call.ChildByFieldName("function")
	if fn == nil || fn.Type() != "attribute" {
		return
	}
	obj, meth := fn.ChildByFieldName("object"), fn.ChildByFieldName("attribute")
	if obj == nil || meth == nil {
		return
	}
	b, s, name := m.target(obj)
	if b == nil || b.v == nil || !b.v.is(kList) {
		return
	}
	method := m.text(meth)
	c := m.eval(call)
	var items []*value
	switch {
	case method == "append" && len(c.items) == 1 && len(c.kwargs) == 0:
		items = append(append(items, b.v.items...), c.items[0])
	case method == "extend" && len(c.items) == 1 && len(c.kwargs) == 0:
		more, ok := c.items[0].seq()
		if !ok {
			m.bindUnknown(s, name, "it is extended with a value schemagate cannot read", st)
			return
		}
		items = append(append(items, b.v.items...), more...)
	case method == "insert" && len(c.items) == 2 && c.items[0].is(kInt):
		i := int(c.items[0].i)
		n := len(b.v.items)
		if i < 0 {
			i = max(0, n+i)
		}
		i = min(i, n)
		items = append(append(append(items, b.v.items[:i]...), c.items[1]), b.v.items[i:]...)
	case listChangers[method]:
		m.bindUnknown(s, name, "it is changed by ."+method+"()", st)
		return
	default:
		return
	}
	if !m.grow(len(items)) {
		m.bindUnknown(s, name, "it grows too large to follow", st)
		return
	}
	m.warnAliased(b, name, st)
	nv := *b.v
	nv.items = items
	prev := m.in.cur
	m.in.cur = s
	m.bind(name, &nv, st)
	m.in.cur = prev
}

var listChangers = map[string]bool{"append": true, "extend": true, "insert": true, "remove": true, "pop": true, "clear": true, "sort": true, "reverse": true}

// warnAliased reports an in-place change of a list that an earlier
// statement already used: that use keeps the list as it was.
func (m *module) warnAliased(b *binding, name string, st *tsnode.Node) {
	if !b.read {
		return
	}
	m.in.hints = append(m.in.hints, syntaxErr{int(st.StartByte()), int(st.EndByte()),
		fmt.Sprintf("%s is changed here after it was used above: schemagate reads the earlier use as the list was then", name)})
}

// changedInPlace makes a name unknown after NAME[i] = x.
func (m *module) changedInPlace(name string, st *tsnode.Node) {
	if m.in.cur.lookup(name) != nil {
		m.bindUnknown(m.scopeOf(name), name, "an item of it is assigned", st)
	}
}

// defineClass runs a class body in a scope of its own (which sees the
// module's names) and binds the class name.
func (m *module) defineClass(cls *tsnode.Node) {
	nm, body := cls.ChildByFieldName("name"), cls.ChildByFieldName("body")
	if nm == nil {
		return
	}
	c := &class{body: newScope(m.in.global)}
	if sup := cls.ChildByFieldName("superclasses"); sup != nil {
		for _, base := range tsnode.Named(sup) {
			if base.Type() == "identifier" {
				if b := m.in.cur.lookup(m.text(base)); b != nil && b.cls != nil {
					c.bases = append(c.bases, b.cls)
				}
			}
		}
	}
	m.in.classes[cls.StartByte()] = c
	if body != nil {
		prev := m.in.cur
		m.in.cur = c.body
		m.runBlock(body)
		m.in.cur = prev
	}
	m.in.cur.vars[m.text(nm)] = &binding{cls: c, start: int(cls.StartByte()), end: int(cls.EndByte())}
}

func (m *module) unbindImports(st *tsnode.Node) {
	for _, name := range m.importedNames(st) {
		m.unbind(name)
	}
}

// importedNames are the names an import statement binds: a of import
// a.b, a of from m import a, b of import a as b.
func (m *module) importedNames(st *tsnode.Node) []string {
	// The module of from m import a is the first dotted name.
	skip := st.ChildByFieldName("module_name")
	var out []string
	for _, n := range tsnode.Named(st) {
		if skip != nil && n.StartByte() == skip.StartByte() && n.EndByte() == skip.EndByte() {
			continue
		}
		switch n.Type() {
		case "dotted_name":
			if first := n.NamedChild(0); first != nil {
				out = append(out, m.text(first))
			}
		case "aliased_import":
			if al := n.ChildByFieldName("alias"); al != nil {
				out = append(out, m.text(al))
			}
		}
	}
	return out
}

var compoundNames = map[string]string{
	"if_statement": "an if statement", "for_statement": "a for loop", "while_statement": "a while loop",
	"try_statement": "a try statement", "with_statement": "a with statement", "match_statement": "a match statement",
}

// unknownIn makes every name a compound statement binds or changes
// unknown: schemagate does not run its loop. Defs and imports inside it
// make names plain names, as outside.
func (m *module) unknownIn(st *tsnode.Node) {
	why := fmt.Sprintf("it is bound inside %s (line %d), which schemagate does not run", compoundNames[st.Type()], st.StartPoint().Row+1)
	for _, sl := range m.slotsIn(st) {
		if sl.unbind {
			delete(sl.sc.vars, sl.name)
			continue
		}
		m.bindUnknown(sl.sc, sl.name, why, st)
	}
}

// slot is a name a statement may bind or change, in the scope it lives
// in; unbind is set for defs and imports, which make it a plain name.
type slot struct {
	sc     *scope
	name   string
	unbind bool
}

// slotsIn lists the names the statements under n may bind or change,
// without running them. Function bodies run later and class bodies bind
// in scopes of their own: neither is looked into.
func (m *module) slotsIn(n *tsnode.Node) []slot {
	var out []slot
	var walk func(n *tsnode.Node)
	walk = func(n *tsnode.Node) {
		switch n.Type() {
		case "function_definition", "class_definition":
			if nm := n.ChildByFieldName("name"); nm != nil {
				out = append(out, slot{m.in.cur, m.text(nm), n.Type() == "function_definition"})
			}
			return
		case "lambda":
			return
		case "import_statement", "import_from_statement":
			for _, name := range m.importedNames(n) {
				out = append(out, slot{m.in.cur, name, true})
			}
			return
		case "delete_statement":
			m.forTargets(n, func(name string, _ *tsnode.Node) { out = append(out, slot{m.in.cur, name, true}) })
			return
		case "call":
			if fn := n.ChildByFieldName("function"); fn != nil && fn.Type() == "attribute" {
				if meth := fn.ChildByFieldName("attribute"); meth != nil && listChangers[m.text(meth)] {
					if obj := fn.ChildByFieldName("object"); obj != nil {
						out = m.targetSlots(out, obj, true)
					}
				}
			}
		default:
			if b, ok := binders[n.Type()]; ok {
				if tg := n.ChildByFieldName(b.field); tg != nil {
					out = m.targetSlots(out, tg, b.inPlace)
				}
			}
		}
		for _, c := range tsnode.Named(n) {
			walk(c)
		}
	}
	walk(n)
	return out
}

// binders are the nodes that bind their target: the target's field, and
// whether the change is in place (x += 1 keeps x where it lives).
var binders = map[string]struct {
	field   string
	inPlace bool
}{
	"assignment":           {"left", false},
	"for_statement":        {"left", false},
	"augmented_assignment": {"left", true},
	"as_pattern":           {"alias", false},
	"named_expression":     {"name", false},
}

// targetSlots adds the names of an assignment target: bound in the
// current scope, or where they live for an in-place change.
func (m *module) targetSlots(out []slot, tg *tsnode.Node, inPlace bool) []slot {
	switch tg.Type() {
	case "attribute":
		if c, attr := m.classAttrTarget(tg); c != nil {
			out = append(out, slot{c.body, attr, false})
		}
		return out
	case "subscript":
		if obj := tg.ChildByFieldName("value"); obj != nil {
			return m.targetSlots(out, obj, true)
		}
		return out
	}
	m.forTargetsOf(tg, func(name string, _ *tsnode.Node) {
		sc := m.in.cur
		if inPlace {
			sc = m.scopeOf(name)
		}
		out = append(out, slot{sc, name, false})
	})
	return out
}

// scopeOf is the scope a name is bound in, else the current one.
func (m *module) scopeOf(name string) *scope {
	for s := m.in.cur; s != nil; s = s.parent {
		if _, ok := s.vars[name]; ok {
			return s
		}
	}
	return m.in.cur
}

// forTargets calls f for each name a del statement or pattern names.
func (m *module) forTargets(st *tsnode.Node, f func(string, *tsnode.Node)) {
	for _, c := range tsnode.Named(st) {
		m.forTargetsOf(c, f)
	}
}

func (m *module) forTargetsOf(n *tsnode.Node, f func(string, *tsnode.Node)) {
	switch n.Type() {
	case "identifier":
		f(m.text(n), n)
	case "pattern_list", "tuple_pattern", "list_pattern", "expression_list", "tuple", "list", "list_splat_pattern", "parenthesized_expression", "as_pattern_target":
		for _, c := range tsnode.Named(n) {
			m.forTargetsOf(c, f)
		}
	}
}

// resolve evaluates a name (NAME, or C.attr of a class of the module) at
// its use, or returns nil for a name the module does not bind to a
// value (an import, a function, a builtin).
func (m *module) resolve(name string, use *value) *value {
	if m.in == nil {
		return nil
	}
	first, attr, dotted := strings.Cut(name, ".")
	b := m.in.cur.lookup(first)
	if b == nil {
		return nil
	}
	if dotted {
		if b.cls == nil || strings.Contains(attr, ".") {
			return nil
		}
		if b = b.cls.attr(attr, 0); b == nil {
			return nil
		}
	}
	if b.cls != nil {
		return nil
	}
	if b.v == nil {
		u := &value{kind: kUnknown, start: use.start, end: use.end, text: use.text}
		m.in.why[u] = b.why
		return u
	}
	if b.v.kind == kUnknown {
		return nil // an expression schemagate does not evaluate: the name stays a name
	}
	b.read = true
	// The value, pointing at its use.
	cp := *b.v
	cp.start, cp.end, cp.text = use.start, use.end, use.text
	return &cp
}

// classValue is the value of a class attribute after the module ran, nil
// when the class has none.
func (m *module) classValue(c *class, name string) *value {
	b := c.attr(name, 0)
	if b == nil || b.cls != nil {
		return nil
	}
	if b.v == nil {
		u := &value{kind: kUnknown, start: b.start, end: b.end, text: string(m.src[b.start:b.end])}
		m.in.why[u] = b.why
		return u
	}
	return b.v
}

// whyUnknown says why a value is unknown, "" when no binding made it so.
func (m *module) whyUnknown(v *value) string {
	if m.in == nil || v == nil {
		return ""
	}
	return m.in.why[v]
}

// hints are the notes the run leaves for the translator.
func (m *module) hints() []syntaxErr {
	if m.in == nil {
		return nil
	}
	out := m.in.hints
	if m.in.overBuilt {
		out = append(out, syntaxErr{0, 0, "this module builds strings or lists too large to follow: values past the limit are not checked"})
	}
	return out
}

// undecided are the blocks of branches the run could not decide.
func (m *module) undecided() [][2]int {
	if m.in == nil {
		return nil
	}
	return m.in.undecided
}

// grow counts n more bytes or items built; false past the bound.
func (m *module) grow(n int) bool {
	if m.in == nil {
		return true
	}
	m.in.built += n
	if m.in.built > maxBuilt {
		m.in.overBuilt = true
		return false
	}
	return true
}
