package js

import (
	"fmt"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/migrations/code/emit"
)

// role is what a name stands for in a migration: the library's handle
// (pgm, knex, queryRunner, queryInterface), a table builder inside a
// Knex callback, a Sequelize transaction, its data types.
type role string

const (
	roleHandle role = "handle"
	roleTypes  role = "types" // Sequelize's second parameter (Sequelize, DataTypes)
	roleTx     role = "tx"    // a transaction object (t.commit())
)

// library is what one migration library adds to the walk: the calls on
// its handle it turns into SQL.
type library interface {
	// call translates a call whose chain starts at a handle; false means
	// the method is not one schemagate knows.
	call(w *walker, c *chain) bool
}

// link is one step of a chain: a property, or a call of it.
type link struct {
	name string
	call *sitter.Node // the call_expression, nil for a property
}

func (l link) args() []*sitter.Node {
	if l.call == nil {
		return nil
	}
	return args(l.call)
}

// chain is a call seen as its receiver chain: root.a.b(...).c(...).
type chain struct {
	node  *sitter.Node // the outermost call
	root  string
	role  role
	links []link
}

// last is the link being called.
func (c *chain) last() link { return c.links[len(c.links)-1] }

// has reports whether a property or call named name is in the chain
// before the last link.
func (c *chain) has(name string) (link, bool) {
	for _, l := range c.links[:len(c.links)-1] {
		if l.name == name {
			return l, true
		}
	}
	return link{}, false
}

// walker follows an up function the way it runs and records the SQL of
// the library calls it makes.
type walker struct {
	f   *jsFile
	rec *emit.Recorder
	lib library

	roles    []map[string]role         // innermost last
	scopes   []map[string]*sitter.Node // local values, innermost last
	cond     int                       // depth of branches decided at run time
	done     bool
	steps    int
	inlining map[uintptr]bool
	walked   map[uintptr]bool
	// sql holds what the library's handlers keep per walk (Knex's
	// schema name, TypeORM's tables by variable).
	state map[string]string
}

const (
	maxSteps  = 100_000
	maxInline = 8
)

func newWalker(f *jsFile, rec *emit.Recorder, lib library) *walker {
	return &walker{f: f, rec: rec, lib: lib, inlining: map[uintptr]bool{}, walked: map[uintptr]bool{}, state: map[string]string{}}
}

func (w *walker) push() {
	w.roles = append(w.roles, map[string]role{})
	w.scopes = append(w.scopes, map[string]*sitter.Node{})
}

func (w *walker) pop() {
	w.roles = w.roles[:len(w.roles)-1]
	w.scopes = w.scopes[:len(w.scopes)-1]
}

func (w *walker) roleOf(name string) role {
	for i := len(w.roles) - 1; i >= 0; i-- {
		if r, ok := w.roles[i][name]; ok {
			return r
		}
	}
	return ""
}

func (w *walker) setRole(name string, r role) {
	if name != "" && len(w.roles) > 0 {
		w.roles[len(w.roles)-1][name] = r
	}
}

// lookup finds the value a name holds here (a local, else nil: the
// file's constants are resolved by jsFile.value).
func (w *walker) lookup(n *sitter.Node) *sitter.Node {
	if n.Type() != "identifier" {
		return nil
	}
	name := w.f.text(n)
	for i := len(w.scopes) - 1; i >= 0; i-- {
		if v, ok := w.scopes[i][name]; ok {
			if v == nil {
				return n // shadowed by a value known at run time
			}
			return v
		}
	}
	return nil
}

func (w *walker) define(name string, v *sitter.Node) {
	if name != "" && len(w.scopes) > 0 {
		w.scopes[len(w.scopes)-1][name] = v
	}
}

// plain is a string argument with no run-time part.
func (w *walker) plain(n *sitter.Node) (string, bool) { return w.f.plain(n, w.lookup) }

// nameArg reads an argument that is a name, or an object with the name
// in its name key: node-pg-migrate's table { schema, name } (its bare
// name, which index names start with), TypeORM's TableColumn.
func (w *walker) nameArg(n *sitter.Node) (string, bool) {
	if s, ok := w.plain(n); ok {
		return s, true
	}
	if _, kv, ok := w.ormOptions(n); ok {
		return w.plain(kv["name"])
	}
	return "", false
}

// given is the plain value of an optional argument, nil when it has
// none.
func (w *walker) given(n *sitter.Node) *string {
	if s, ok := w.plain(n); ok {
		return &s
	}
	return nil
}

// where is the Where of a call.
func (w *walker) where(n *sitter.Node) emit.Where {
	return emit.Where{Call: w.f.span(n), Conditional: w.cond > 0}
}

// cannot notes a library call with an argument schemagate cannot read;
// it reports true: the call is known, it is just not checked.
func (w *walker) cannot(call *sitter.Node, what string) bool {
	w.unreadable(call, "`%s`: %s that schemagate cannot read, so it is not checked", w.f.short(call), what)
	return true
}

// libCall is the call a library handler translates: its node and
// arguments, where it is, and how it says an argument cannot be read.
type libCall struct {
	w    *walker
	node *sitter.Node
	a    []*sitter.Node
}

func (w *walker) libCall(c *chain) libCall { return libCall{w, c.last().call, c.last().args()} }

func (x libCall) arg(i int) *sitter.Node { return argAt(x.a, i) }
func (x libCall) at() emit.Where         { return x.w.where(x.node) }
func (x libCall) fail(what string) bool  { return x.w.cannot(x.node, what) }

// sql records the call's first argument as the SQL it sends (pgm.sql,
// knex.raw, queryRunner.query, sequelize.query); filled, when given,
// says whether the library fills placeholders in that text from other
// arguments when it runs. Text built at run time is noted instead. It
// reports true, as fail does.
func (x libCall) sql(filled func(text string) bool) bool {
	lit, ok := x.w.f.value(x.arg(0), x.w.lookup)
	if !ok {
		return x.fail("SQL built when the migration runs")
	}
	if filled != nil && filled(lit.Text) {
		lit.Holes++
	}
	x.w.rec.Literal(lit, x.at())
	return true
}

// renameColumn writes renameColumn(table, from, to) as the library
// sends it: table as the library's table reader read it (tableOK), the
// two columns read by column, sql the statement for table, from and to.
func (x libCall) renameColumn(table string, tableOK bool, column func(*sitter.Node) (string, bool), sql string) bool {
	from, ok2 := column(x.arg(1))
	to, ok3 := column(x.arg(2))
	if !tableOK || !ok2 || !ok3 {
		return x.fail("a table or column")
	}
	x.w.rec.Written(fmt.Sprintf(sql, table, quote(from), quote(to)), x.at())
	return true
}

// argAt is the i-th argument, or nil.
func argAt(a []*sitter.Node, i int) *sitter.Node {
	if i < len(a) {
		return a[i]
	}
	return nil
}

func firstArg(a []*sitter.Node) *sitter.Node { return argAt(a, 0) }

// unreadable is a hint at a call.
func (w *walker) unreadable(n *sitter.Node, format string, args ...any) {
	w.rec.Unreadable(w.f.span(n), format, args...)
}

// function walks a function with the given roles for its parameters.
func (w *walker) function(fn *sitter.Node, roles ...role) {
	w.push()
	defer w.pop()
	for i, p := range w.f.params(fn) {
		if i < len(roles) && roles[i] != "" {
			w.setRole(p, roles[i])
		} else {
			w.define(p, nil) // a value known at run time
		}
	}
	body := fn.ChildByFieldName("body")
	if body == nil {
		return
	}
	w.candidates(body)
	done := w.done
	w.done = false
	if body.Type() == "statement_block" {
		w.block(body)
	} else {
		w.expr(body) // x => expr
	}
	w.done = done
}

// candidates records the strings of a body that look like DDL. Only
// the nodes around a DDL keyword of the body's text are visited:
// walking every node of a long migration through cgo costs more than
// parsing it.
func (w *walker) candidates(body *sitter.Node) {
	if w.walked[body.ID()] {
		return
	}
	w.walked[body.ID()] = true
	src := w.f.src.Text
	start, end := int(body.StartByte()), int(body.EndByte())
	seen := map[uintptr]bool{}
	for i := start; i < end; {
		if !isWordByte(src[i]) {
			i++
			continue
		}
		j := i
		for j < end && isWordByte(src[j]) {
			j++
		}
		if emit.IsDDLWord(string(src[i:j])) {
			n := body.NamedDescendantForPointRange(w.f.point(i), w.f.point(j))
			for k := 0; k < 3 && n != nil && n.Type() != "string" && n.Type() != "template_string"; k++ {
				n = n.Parent()
			}
			if n != nil && !seen[n.ID()] && (n.Type() == "string" || n.Type() == "template_string") {
				seen[n.ID()] = true
				if lit, ok := w.f.value(n, nil); ok && emit.LooksLikeDDL(lit.Text) {
					w.rec.Candidate(w.f.span(n))
				}
			}
		}
		i = j
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

func (w *walker) block(n *sitter.Node) {
	w.push()
	defer w.pop()
	for _, s := range named(n) {
		if w.done || w.steps > maxSteps {
			return
		}
		w.stmt(s)
	}
}

// branch walks code that runs or not depending on run-time values.
func (w *walker) branch(n *sitter.Node) {
	if n == nil {
		return
	}
	w.cond++
	w.stmt(n)
	w.cond--
	w.done = false
}

func (w *walker) stmt(n *sitter.Node) {
	w.steps++
	switch n.Type() {
	case "statement_block":
		w.block(n)
	case "expression_statement":
		for _, e := range named(n) {
			w.expr(e)
		}
	case "lexical_declaration", "variable_declaration":
		for _, d := range named(n) {
			if d.Type() != "variable_declarator" {
				continue
			}
			v := d.ChildByFieldName("value")
			if v != nil {
				w.expr(v)
			}
			name := d.ChildByFieldName("name")
			if name == nil || name.Type() != "identifier" {
				continue
			}
			w.bindValue(w.f.text(name), v)
		}
	case "return_statement":
		for _, e := range named(n) {
			w.expr(e)
		}
		if w.cond == 0 {
			w.done = true
		}
	case "if_statement":
		w.expr(n.ChildByFieldName("condition"))
		w.branch(n.ChildByFieldName("consequence"))
		if alt := n.ChildByFieldName("alternative"); alt != nil {
			for _, c := range named(alt) {
				w.branch(c)
			}
		}
	case "for_in_statement":
		w.forOf(n)
	case "for_statement", "while_statement", "do_statement":
		w.branch(n.ChildByFieldName("body"))
	case "try_statement":
		w.stmt(n.ChildByFieldName("body"))
		if h := n.ChildByFieldName("handler"); h != nil {
			w.branch(h.ChildByFieldName("body"))
		}
		if fin := n.ChildByFieldName("finalizer"); fin != nil {
			for _, c := range named(fin) {
				w.stmt(c)
			}
		}
	case "switch_statement":
		w.expr(n.ChildByFieldName("value"))
		for _, c := range named(n.ChildByFieldName("body")) {
			for _, s := range named(c) {
				if s.Type() != "comment" && s != c.ChildByFieldName("value") {
					w.branch(s)
				}
			}
		}
	case "function_declaration":
		if name := n.ChildByFieldName("name"); name != nil {
			w.define(w.f.text(name), n)
		}
	}
}

// bindValue binds a name to what it was given: a handle's role (const
// trx = await knex.transaction()), or its value.
func (w *walker) bindValue(name string, v *sitter.Node) {
	if v == nil {
		w.define(name, nil)
		return
	}
	u := unwrap(v)
	if u.Type() == "identifier" {
		if r := w.roleOf(w.f.text(u)); r != "" {
			w.setRole(name, r)
			return
		}
	}
	if u.Type() == "call_expression" {
		if c := w.chainOf(u); c != nil && c.role == roleHandle {
			switch c.last().name {
			case "transaction":
				if len(c.last().args()) == 0 || !isFunction(unwrap(c.last().args()[0])) {
					w.setRole(name, roleTx)
					return
				}
			}
		}
	}
	w.define(name, v)
}

// forOf runs the body of for (const x of [...]) once per element of a
// literal array; other loops run once, as a branch.
func (w *walker) forOf(n *sitter.Node) {
	left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
	w.expr(right)
	arr := unwrap(right)
	if arr != nil && arr.Type() == "identifier" {
		if v := w.lookup(arr); v != nil {
			arr = unwrap(v)
		} else if c := w.f.consts[w.f.text(arr)]; c != nil {
			arr = unwrap(c)
		}
	}
	name := ""
	if left != nil && left.Type() == "identifier" {
		name = w.f.text(left)
	}
	if arr != nil && arr.Type() == "array" && name != "" && w.f.text(n)[:3] == "for" && isForOf(w.f, n) {
		for _, el := range named(arr) {
			w.push()
			w.define(name, el)
			w.stmt(n.ChildByFieldName("body"))
			w.pop()
		}
		return
	}
	w.push()
	w.define(name, nil)
	w.branch(n.ChildByFieldName("body"))
	w.pop()
}

// isForOf tells for...of (values) from for...in (keys).
func isForOf(f *jsFile, n *sitter.Node) bool {
	for i := 0; i < int(n.ChildCount()); i++ {
		c := n.Child(i)
		if !c.IsNamed() && (c.Type() == "of" || c.Type() == "in") {
			return c.Type() == "of"
		}
	}
	return false
}

// expr walks an expression in evaluation order.
func (w *walker) expr(n *sitter.Node) {
	if n == nil || w.done {
		return
	}
	switch n.Type() {
	case "call_expression":
		w.call(n)
	case "arrow_function", "function_expression", "function":
		// A callback handed to code that runs it (Promise.all(...).then).
		w.function(n)
	case "ternary_expression":
		w.expr(n.ChildByFieldName("condition"))
		w.cond++
		w.expr(n.ChildByFieldName("consequence"))
		w.expr(n.ChildByFieldName("alternative"))
		w.cond--
	case "assignment_expression":
		w.expr(n.ChildByFieldName("right"))
		if l := n.ChildByFieldName("left"); l != nil && l.Type() == "identifier" {
			w.bindValue(w.f.text(l), n.ChildByFieldName("right"))
		}
	case "string", "template_string", "number", "identifier", "true", "false", "null", "undefined", "regex":
	default:
		for _, c := range named(n) {
			w.expr(c)
		}
	}
}

// chainOf reads a call as a chain from its root name; nil when it does
// not start at a name.
func (w *walker) chainOf(call *sitter.Node) *chain {
	var links []link
	n := call
	var called *sitter.Node
	for n != nil {
		switch n.Type() {
		case "call_expression":
			called = n
			n = unwrap(n.ChildByFieldName("function"))
			continue
		case "member_expression":
			name := w.f.text(n.ChildByFieldName("property"))
			links = append(links, link{name: name, call: called})
			called = nil
			n = unwrap(n.ChildByFieldName("object"))
			continue
		case "identifier", "this":
			if called != nil {
				links = append(links, link{name: "", call: called})
			}
			for i, j := 0, len(links)-1; i < j; i, j = i+1, j-1 {
				links[i], links[j] = links[j], links[i]
			}
			root := w.f.text(n)
			c := &chain{node: call, root: root, role: w.roleOf(root), links: links}
			if len(c.links) == 0 {
				return nil
			}
			return c
		}
		return nil
	}
	return nil
}

// call walks a call. It reports whether it noted the call as one it
// cannot read, so that a chain is noted once.
func (w *walker) call(n *sitter.Node) (unread bool) {
	fn := unwrap(n.ChildByFieldName("function"))
	if fn == nil {
		return false
	}
	// A chain runs from its start: the receiver's calls first.
	innerUnread := false
	if fn.Type() == "member_expression" {
		if obj := unwrap(fn.ChildByFieldName("object")); obj != nil && obj.Type() == "call_expression" {
			innerUnread = w.call(obj)
		}
	}
	c := w.chainOf(n)
	if c != nil && c.role != "" && c.links[len(c.links)-1].call == n {
		switch c.role {
		case roleTx:
			switch c.last().name {
			case "commit":
				w.rec.Written("COMMIT", w.where(n))
			case "rollback":
			default:
				w.walkArgs(n)
			}
			return false
		case roleTypes:
			return false
		}
		if w.lib.call(w, c) {
			return false
		}
		if !innerUnread {
			w.unreadable(n, "`%s` is not a call schemagate can read: it is not checked", w.f.short(n))
		}
		w.walkArgs(n)
		return true
	}
	if fn.Type() == "identifier" {
		target := w.lookup(fn)
		if target == nil || !isFunction(target) {
			target = w.f.function(fn)
		}
		if target != nil && isFunction(target) {
			w.inline(n, target)
			return false
		}
	}
	w.walkArgs(n)
	for _, a := range args(n) {
		if u := unwrap(a); u != nil && u.Type() == "identifier" && w.roleOf(w.f.text(u)) == roleHandle {
			w.unreadable(n, "`%s` runs code schemagate does not follow with the migration's database handle: what it does is not checked", w.f.short(n))
			return true
		}
	}
	return false
}

func (w *walker) walkArgs(n *sitter.Node) {
	for _, a := range args(n) {
		w.expr(a)
	}
}

// inline walks a function of the file at its call; a parameter given a
// handle is that handle.
func (w *walker) inline(call, fn *sitter.Node) {
	id := fn.ID()
	if w.inlining[id] || len(w.inlining) >= maxInline {
		w.walkArgs(call)
		return
	}
	w.walkArgs(call)
	w.inlining[id] = true
	defer delete(w.inlining, id)
	var roles []role
	for _, a := range args(call) {
		r := role("")
		if u := unwrap(a); u != nil && u.Type() == "identifier" {
			r = w.roleOf(w.f.text(u))
		}
		roles = append(roles, r)
	}
	w.function(fn, roles...)
}
