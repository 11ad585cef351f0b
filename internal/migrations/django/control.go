package django

import (
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/cond"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// Control flow at module and class level, as migration files use it:
// `if not UNIQUE_EMAIL: operations += [...]`, a loop over a literal list
// of tables, `try: from x import Op except ImportError: ...`.
//
// A condition on constants or on the database vendor is decided
// (connection.vendor is "postgresql"). One schemagate cannot decide runs
// every branch, each from the state before the if statement, and the
// names the branches bind differently are merged: lists into one list
// holding the items of every branch, anything else unknown. The
// branches' spans are recorded as undecided: what the translator finds
// there is reported at most as a warning.

// maxSteps bounds the statements run (loops unrolled, branches each
// run), and maxWork the bytes of statements run plus the names copied
// for branches, so that no input makes the run slow.
const (
	maxSteps = 100_000
	maxWork  = 64 << 20
)

// step counts a statement; false once a bound is passed.
func (m *module) step(st *tsnode.Node) bool {
	m.in.steps++
	m.in.work += int(st.EndByte() - st.StartByte())
	return m.inBounds(st)
}

func (m *module) inBounds(at *tsnode.Node) bool {
	if m.in.steps < maxSteps && m.in.work < maxWork {
		return true
	}
	if !m.in.stopped {
		m.in.stopped = true
		m.in.hints = append(m.in.hints, syntaxErr{int(at.StartByte()), int(at.StartByte()), "schemagate stopped reading the module here: its loops and branches run too many statements to follow"})
	}
	return false
}

func (m *module) runIf(st *tsnode.Node) {
	type branch struct{ cond, block *tsnode.Node }
	var branches []branch
	branches = append(branches, branch{st.ChildByFieldName("condition"), st.ChildByFieldName("consequence")})
	for _, alt := range tsnode.Named(st) {
		switch alt.Type() {
		case "elif_clause":
			branches = append(branches, branch{alt.ChildByFieldName("condition"), alt.ChildByFieldName("consequence")})
		case "else_clause":
			branches = append(branches, branch{nil, alt.ChildByFieldName("body")})
		}
	}
	// The blocks that may run: past a condition it cannot decide, every
	// one up to the first whose condition is true.
	var blocks []*tsnode.Node
	undecided, reached := false, true
	for _, br := range branches {
		if br.block == nil {
			return // a syntax error, reported as one
		}
		yes, known := true, true
		if br.cond != nil {
			yes, known = m.truth(br.cond)
		}
		if !known && !undecided {
			undecided = true
			m.in.hints = append(m.in.hints, syntaxErr{int(br.cond.StartByte()), int(br.cond.EndByte()),
				"condition schemagate cannot evaluate: the code under every branch that may run is read, and what is found there is at most a warning"})
		}
		if !known || yes {
			blocks = append(blocks, br.block)
		}
		if known && yes {
			reached = false
			break
		}
	}
	switch {
	case undecided:
		m.runUndecided(st, blocks, reached)
	case len(blocks) == 1:
		m.runBlock(blocks[0])
	}
}

// runFor unrolls a loop over a literal sequence; any other loop makes
// what it binds unknown.
func (m *module) runFor(st *tsnode.Node) {
	left, right, body := st.ChildByFieldName("left"), st.ChildByFieldName("right"), st.ChildByFieldName("body")
	if left == nil || right == nil || body == nil || hasJump(body) {
		m.unknownIn(st)
		return
	}
	over := m.eval(right)
	items, ok := over.seq()
	if over.is(kDict) {
		items, ok = over.keys, true
	}
	if !ok {
		m.unknownIn(st)
		return
	}
	for _, it := range items {
		if !m.inBounds(st) {
			return
		}
		m.bindTarget(left, it, st)
		m.runBlock(body)
	}
	if alt := st.ChildByFieldName("alternative"); alt != nil {
		if b := alt.ChildByFieldName("body"); b != nil {
			m.runBlock(b)
		}
	}
}

// hasJump reports a break or continue of this loop.
func hasJump(n *tsnode.Node) bool {
	switch n.Type() {
	case "break_statement", "continue_statement":
		return true
	case "for_statement", "while_statement", "function_definition", "class_definition", "lambda":
		return false
	}
	for _, c := range tsnode.Named(n) {
		if hasJump(c) {
			return true
		}
	}
	return false
}

// runWith runs the body; the names bound with `as` are unknown.
func (m *module) runWith(st *tsnode.Node) {
	why := fmt.Sprintf("it is what the context manager of the with statement (line %d) gives", st.StartPoint().Row+1)
	var aliases func(n *tsnode.Node)
	aliases = func(n *tsnode.Node) {
		if n.Type() == "as_pattern" {
			if al := n.ChildByFieldName("alias"); al != nil {
				for _, sl := range m.targetSlots(nil, al, false) {
					m.bindUnknown(sl.sc, sl.name, why, st)
				}
			}
			return
		}
		for _, c := range tsnode.Named(n) {
			if c.Type() != "block" {
				aliases(c)
			}
		}
	}
	aliases(st)
	if body := st.ChildByFieldName("body"); body != nil {
		m.runBlock(body)
	}
}

// runTry runs the body as if it raises nothing, then the else and
// finally clauses; the except handlers are branches it cannot decide.
func (m *module) runTry(st *tsnode.Node) {
	if body := st.ChildByFieldName("body"); body != nil {
		m.runBlock(body)
	}
	var handlers []*tsnode.Node
	var elseBlock, finallyBlock *tsnode.Node
	for _, c := range tsnode.Named(st) {
		switch c.Type() {
		case "except_clause", "except_group_clause":
			if b := lastBlock(c); b != nil {
				handlers = append(handlers, b)
			}
		case "else_clause":
			elseBlock = c.ChildByFieldName("body")
		case "finally_clause":
			finallyBlock = lastBlock(c)
		}
	}
	if elseBlock != nil {
		m.runBlock(elseBlock)
	}
	if len(handlers) > 0 {
		m.runUndecided(st, handlers, true)
	}
	if finallyBlock != nil {
		m.runBlock(finallyBlock)
	}
}

func lastBlock(n *tsnode.Node) *tsnode.Node {
	var last *tsnode.Node
	for _, c := range tsnode.Named(n) {
		if c.Type() == "block" {
			last = c
		}
	}
	return last
}

// runUndecided runs each block from the same state, records it as
// undecided, and merges what the blocks bound. fallThrough adds the
// path that runs none of them. Only the names the blocks may bind are
// saved and merged, so the cost is the size of the blocks.
func (m *module) runUndecided(st *tsnode.Node, blocks []*tsnode.Node, fallThrough bool) {
	var slots []slot
	for _, b := range blocks {
		slots = append(slots, m.slotsIn(b)...)
	}
	m.in.work += len(slots) * (len(blocks) + 2)
	if !m.inBounds(st) {
		return
	}
	state := func() []*binding {
		out := make([]*binding, len(slots))
		for i, sl := range slots {
			out[i] = sl.sc.vars[sl.name]
		}
		return out
	}
	set := func(bs []*binding) {
		for i, sl := range slots {
			if bs[i] == nil {
				delete(sl.sc.vars, sl.name)
			} else {
				sl.sc.vars[sl.name] = bs[i]
			}
		}
	}
	before := state()
	var after [][]*binding
	for _, b := range blocks {
		set(before)
		m.in.undecided = append(m.in.undecided, [2]int{int(b.StartByte()), int(b.EndByte())})
		m.runBlock(b)
		after = append(after, state())
	}
	if fallThrough {
		after = append(after, before)
	}
	why := fmt.Sprintf("it is bound differently by the branches of %s (line %d), which schemagate cannot decide", compoundNames[st.Type()], st.StartPoint().Row+1)
	merged := make([]*binding, len(slots))
	for i := range slots {
		bs := make([]*binding, len(after))
		for j, a := range after {
			bs[j] = a[i]
		}
		merged[i] = m.merge(bs, why, st)
	}
	set(merged)
}

// merge is a name after branches that bound it to bs (nil where a
// branch left it unbound): one binding when they agree, the items of
// every branch when they are lists, else unknown.
func (m *module) merge(bs []*binding, why string, st *tsnode.Node) *binding {
	same := true
	for _, b := range bs[1:] {
		same = same && b == bs[0]
	}
	if same {
		return bs[0]
	}
	var items []*value
	seen := map[*value]bool{}
	var first *value
	for _, b := range bs {
		if b == nil {
			continue
		}
		if b.v == nil || b.cls != nil || !(b.v.is(kList) || b.v.is(kTuple)) {
			return &binding{why: why, start: int(st.StartByte()), end: int(st.EndByte())}
		}
		if first == nil {
			first = b.v
		}
		for _, it := range b.v.items {
			if !seen[it] {
				seen[it] = true
				items = append(items, it)
			}
		}
	}
	v := *first
	v.kind, v.items = kList, items
	return &binding{v: &v, start: int(st.StartByte()), end: int(st.EndByte())}
}

// truth decides a condition on constants and on the database vendor;
// known is false when it cannot.
func (m *module) truth(n *tsnode.Node) (yes, known bool) {
	switch n.Type() {
	case "parenthesized_expression":
		if n.NamedChildCount() == 1 {
			return m.truth(n.NamedChild(0))
		}
	case "not_operator":
		if a := n.ChildByFieldName("argument"); a != nil {
			yes, known = m.truth(a)
			return !yes, known
		}
	case "boolean_operator":
		l, r, op := n.ChildByFieldName("left"), n.ChildByFieldName("right"), n.ChildByFieldName("operator")
		if l == nil || r == nil || op == nil {
			return false, false
		}
		a, aok := m.truth(l)
		b, bok := m.truth(r)
		if op.Type() == "and" {
			return cond.And(a, aok, b, bok)
		}
		return cond.Or(a, aok, b, bok)
	case "comparison_operator":
		return m.compare(n)
	case "identifier", "attribute":
		if name, ok := dottedName(n, m.src); ok && (name == "TYPE_CHECKING" || name == "typing.TYPE_CHECKING") {
			return false, true
		}
	}
	return m.eval(n).truthy()
}

// compare decides a == b, !=, in and not in between constants, with
// connection.vendor read as "postgresql".
func (m *module) compare(n *tsnode.Node) (bool, bool) {
	if n.NamedChildCount() != 2 {
		return false, false
	}
	var op string
	for _, c := range tsnode.Children(n) {
		if !c.IsNamed() {
			op = c.Type() // ==, !=, in, "not in", ...
		}
	}
	a, b := m.operand(n.NamedChild(0)), m.operand(n.NamedChild(1))
	switch op {
	case "==", "!=":
		eq, ok := constEqual(a, b)
		return eq == (op == "=="), ok
	case "in", "not in":
		var found bool
		switch items, isSeq := b.seq(); {
		case isSeq:
			for _, it := range items {
				eq, ok := constEqual(a, it)
				if !ok {
					return false, false
				}
				found = found || eq
			}
		case b.is(kStr) && a.is(kStr):
			found = strings.Contains(b.s, a.s)
		default:
			return false, false
		}
		return found == (op == "in"), true
	}
	return false, false
}

// operand evaluates one side of a comparison.
func (m *module) operand(n *tsnode.Node) *value {
	v := m.eval(n)
	if v.is(kName) && (v.s == "connection.vendor" || strings.HasSuffix(v.s, ".connection.vendor")) {
		return &value{kind: kStr, s: "postgresql", start: v.start, end: v.end, text: v.text}
	}
	return v
}

// constEqual compares two constants; ok is false when either is not one.
func constEqual(a, b *value) (eq, ok bool) {
	if a == nil || b == nil {
		return false, false
	}
	num := func(v *value) (int64, bool) {
		switch v.kind {
		case kInt:
			return v.i, true
		case kBool:
			if v.b {
				return 1, true
			}
			return 0, true
		}
		return 0, false
	}
	if x, ok := num(a); ok {
		if y, ok := num(b); ok {
			return x == y, true
		}
	}
	switch {
	case a.is(kStr) && b.is(kStr), a.is(kBytes) && b.is(kBytes):
		return a.s == b.s, true
	case a.is(kNone) || b.is(kNone):
		if a.kind == kUnknown || a.kind == kName || a.kind == kCall || b.kind == kUnknown || b.kind == kName || b.kind == kCall {
			return false, false
		}
		return a.is(kNone) && b.is(kNone), true
	}
	known := func(v *value) bool {
		switch v.kind {
		case kStr, kBytes, kInt, kBool, kNone, kFloat:
			return true
		}
		return false
	}
	if known(a) && known(b) {
		return a.kind == b.kind && a.s == b.s, true
	}
	return false, false
}
