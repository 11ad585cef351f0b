package rails

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// tr translates one migration file: it walks the Ruby tree as Rails
// would run the migration's up direction, keeping what it can know of
// local values, and sends every schema call's SQL, as the PostgreSQL
// adapter writes it, through the SQL path (send.go).
type tr struct {
	f   *source.File
	src []byte
	str string // src, for substrings that share its memory (t.text)
	ver version
	// cat is the schema as the migrations read so far left it.
	cat *catalog.Catalog
	pg  int
	ops ops.List
	// opsBuf holds one statement's operations until ops copies them.
	opsBuf []ops.Op
	note   []migration.Note
	supp   []source.Span
	stmt   int // the statements sent so far
	// recognised counts the migration calls understood.
	recognised int
	// disableTx is set by disable_ddl_transaction!.
	disableTx bool
	txDepth   int
	// bulk is the ALTER TABLE being assembled (change_table bulk: true).
	bulk     *bulk
	methods  map[string]*node
	consts   map[string]value
	ivars    map[string]value
	heredocs map[*node]*node
	depth    int
	// schemaFile is set while reading db/schema.rb.
	schemaFile bool
	// sent is the SQL ActiveRecord sends; queue holds the statements
	// sent but not yet parsed (see flushSent).
	sent  migration.SentSQL
	queue []queuedStmt
	// undecided are the spans of branches no condition decided;
	// restUndecided is set by a `return if` it could not decide.
	undecided     []source.Span
	restUndecided bool
	// guards counts the conditions around the call being translated that
	// ask whether an object exists (see guardedBy).
	guards int
}

// env holds local variables; blocks see their parent's.
type env struct {
	vars   map[string]value
	parent *env
}

func newEnv(parent *env) *env { return &env{vars: map[string]value{}, parent: parent} }

func (e *env) lookup(name string) (value, bool) {
	for x := e; x != nil; x = x.parent {
		if v, ok := x.vars[name]; ok {
			return v, true
		}
	}
	return value{}, false
}

func (e *env) assign(name string, v value) {
	for x := e; x != nil; x = x.parent {
		if _, ok := x.vars[name]; ok {
			x.vars[name] = v
			return
		}
	}
	e.vars[name] = v
}

func (t *tr) span(n *node) source.Span { return t.f.Span(int(n.StartByte()), int(n.EndByte())) }

func (t *tr) hint(n *node, format string, args ...any) {
	t.note = append(t.note, migration.Note{Kind: migration.NoteUnrecognised, Span: t.span(n), Message: fmt.Sprintf(format, args...)})
}

func (t *tr) dataNote(n *node, format string, args ...any) {
	t.note = append(t.note, migration.Note{Kind: migration.NoteDataMigration, Span: t.span(n), Message: fmt.Sprintf(format, args...)})
}

func (t *tr) syntaxNote(sp source.Span, msg string) {
	t.note = append(t.note, migration.Note{Kind: migration.NoteSyntaxError, Span: sp, Message: msg})
}

// snippet is a short rendering of a node for messages: its text
// squished (strings.Fields joined by spaces) as far as the message shows
// it, for the node may be a megabyte long.
func (t *tr) snippet(n *node) string {
	const most = 60
	var b strings.Builder
	for rest := t.text(n); b.Len() <= most; {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		end := strings.IndexFunc(rest, unicode.IsSpace)
		if end < 0 {
			end = len(rest)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(rest[:min(end, most+1)])
		rest = rest[end:]
	}
	s := b.String()
	if len(s) > most {
		s = truncateBytes(s, 57) + "..."
	}
	return s
}

// collectHeredocs pairs each heredoc opening with its body: Ruby reads
// bodies in the order the openings appear.
func collectHeredocs(root *node) map[*node]*node {
	var begins, bodies []*node
	var walk func(n *node)
	walk = func(n *node) {
		switch n.Type() {
		case "heredoc_beginning":
			begins = append(begins, n)
		case "heredoc_body":
			bodies = append(bodies, n)
		}
		for _, k := range tsnode.Children(n) {
			walk(k)
		}
	}
	walk(root)
	if len(begins) == 0 {
		return nil
	}
	// Openings and bodies interleave by line; sorting both by offset and
	// pairing in order matches Ruby as long as bodies follow openings.
	out := map[*node]*node{}
	for i, b := range begins {
		if i < len(bodies) {
			out[b] = bodies[i]
		}
	}
	return out
}

// migrationClass finds the migration class: a class (or, in a file with
// syntax errors, an ERROR node) with a superclass.
func migrationClass(root *node) (cls, super, body *node) {
	var find func(n *node, depth int) bool
	find = func(n *node, depth int) bool {
		if depth > 6 {
			return false
		}
		if n.Type() == "class" || n.Type() == "ERROR" {
			if s := child(n, "superclass"); s != nil {
				cls, super = n, s
				body = child(n, "body_statement")
				if body == nil && n.Type() == "ERROR" {
					// Error recovery can leave the class's statements
					// directly under the ERROR node.
					body = n
				}
				return true
			}
		}
		for _, k := range tsnode.Children(n) {
			switch k.Type() {
			case "class", "ERROR", "module", "body_statement":
				if find(k, depth+1) {
					return true
				}
			}
		}
		return false
	}
	find(root, 0)
	return
}

// classVersion reads Migration[x.y] from the superclass.
func (t *tr) classVersion(super *node, def version) (version, bool) {
	er := child(super, "element_reference")
	ar := strings.Contains(t.text(super), "ActiveRecord::Migration")
	switch {
	case er == nil && ar:
		return legacyVersion, true
	case er == nil || !ar:
		// A project's own base class (Gitlab::Database::Migration[2.1]):
		// its version is not Rails'.
		return def, true
	}
	for _, k := range tsnode.Named(er)[1:] {
		if v, ok := parseVersion(t.text(k)); ok {
			return v, true
		}
	}
	return def, false
}

// run translates the migration in root.
func (t *tr) run(root *node, defVersion version) {
	t.heredocs = collectHeredocs(root)
	t.methods = map[string]*node{}
	t.consts = map[string]value{}
	t.ivars = map[string]value{}
	cls, super, body := migrationClass(root)
	if cls == nil {
		t.note = append(t.note, migration.Note{Kind: migration.NoteUnrecognised, Span: t.f.Span(0, min(len(t.src), lineEnd(t.src, 0))),
			Message: "no migration class (class ... < ActiveRecord::Migration[x.y]) found: nothing in this file is checked"})
		return
	}
	v, ok := t.classVersion(super, defVersion)
	superExpr := super
	if x := super.NamedChild(0); x != nil {
		superExpr = x
	}
	switch {
	case !ok:
		t.hint(superExpr, "unknown migration version in %s: translated as Rails %s", t.snippet(superExpr), defVersion)
	case v == legacyVersion && child(super, "element_reference") == nil:
		t.hint(superExpr, "ActiveRecord::Migration without [x.y]: Rails 5 and later refuse to run it; translated with Rails 4.2's defaults")
	}
	t.ver = v
	header := t.f.Span(int(cls.StartByte()), int(super.EndByte()))
	var entry *node
	var stmts []*node
	if body != nil {
		stmts = tsnode.Children(body)
	}
	var up, change *node
	// Methods defined at the top of the file are private methods of
	// every object, the migration's too.
	for _, s := range tsnode.Children(root) {
		if s.Type() == "method" {
			t.methods[methodName(s, t.src)] = s
		}
	}
	for _, s := range stmts {
		switch s.Type() {
		case "method", "singleton_method":
			name := methodName(s, t.src)
			t.methods[name] = s
			switch name {
			case "up":
				up = s
			case "change":
				change = s
			}
		case "assignment":
			if l := s.NamedChild(0); l != nil && l.Type() == "constant" {
				t.consts[t.text(l)] = t.eval(lastNamed(s), newEnv(nil))
			}
		case "call", "identifier":
			switch name := callName(s, t.src); name {
			case "disable_ddl_transaction!":
				t.disableTx = true
			case "private", "protected", "public", "private_class_method":
				// private def helper(...) ... end
				if _, _, args, _ := callParts(s); args != nil {
					for _, m := range tsnode.Children(args) {
						if m.Type() == "method" || m.Type() == "singleton_method" {
							t.methods[methodName(m, t.src)] = m
						}
					}
				}
			}
		}
	}
	// Rails runs change when it is defined, up otherwise.
	entry = change
	if entry == nil {
		entry = up
	}
	if entry == nil {
		t.note = append(t.note, migration.Note{Kind: migration.NoteUnrecognised, Span: header,
			Message: "migration class has neither `change` nor `up`: nothing runs when it migrates up"})
		return
	}
	t.callMethod(entry, nil, emptyOpts(), newEnv(nil))
	if t.recognised == 0 && hasStatements(entry) {
		t.note = append(t.note, migration.Note{Kind: migration.NoteUnrecognised, Span: header,
			Message: "migration class has no call schemagate recognises: its schema changes are not checked"})
	}
}

// hasStatements reports whether a method's body holds code, not only
// comments (redmine's "# No-op" migrations).
func hasStatements(m *node) bool {
	for _, k := range tsnode.Children(m) {
		if k.Type() != "body_statement" {
			continue
		}
		for _, s := range tsnode.Children(k) {
			if s.IsNamed() && s.Type() != "comment" {
				return true
			}
		}
	}
	return false
}

func lineEnd(src []byte, off int) int {
	for i := off; i < len(src); i++ {
		if src[i] == '\n' {
			return i
		}
	}
	return len(src)
}

func methodName(m *node, src []byte) string {
	seenDot := m.Type() != "singleton_method"
	for _, k := range tsnode.Children(m) {
		if k.Type() == "." {
			seenDot = true
			continue
		}
		if seenDot && (k.Type() == "identifier" || k.Type() == "constant" || k.Type() == "setter" || k.Type() == "operator") {
			return text(k, src)
		}
	}
	return ""
}

// callName is the method name of a receiver-less call or identifier.
func callName(n *node, src []byte) string {
	switch n.Type() {
	case "identifier":
		return text(n, src)
	case "call":
		recv, meth, _, _ := callParts(n)
		if recv == nil && meth != nil {
			return text(meth, src)
		}
	}
	return ""
}

// callMethod runs a method of the migration class with arguments bound.
func (t *tr) callMethod(m *node, pos []value, o opts, parent *env) value {
	if t.depth > 20 {
		return value{}
	}
	t.depth++
	defer func() { t.depth-- }()
	e := newEnv(parent)
	var body *node
	i := 0
	if params := child(m, "method_parameters"); params != nil && len(o.h.list) > 0 && child(params, "keyword_parameter") == nil && child(params, "hash_splat_parameter") == nil {
		// helper(:users, null: false) into def helper(table, options = {}):
		// the options are the last positional argument.
		pos = append(pos[:len(pos):len(pos)], o.h)
	}
	for _, k := range tsnode.Children(m) {
		switch k.Type() {
		case "method_parameters":
			for _, p := range tsnode.Children(k) {
				switch p.Type() {
				case "identifier":
					if i < len(pos) {
						e.vars[t.text(p)] = pos[i]
					} else {
						e.vars[t.text(p)] = value{}
					}
					i++
				case "optional_parameter":
					name := p.NamedChild(0)
					if i < len(pos) {
						e.vars[t.text(name)] = pos[i]
					} else {
						e.vars[t.text(name)] = t.eval(lastNamed(p), e)
					}
					i++
				case "splat_parameter":
					rest := value{k: kArray}
					if i < len(pos) {
						rest.list = append(rest.list, pos[i:]...)
						i = len(pos)
					}
					if name := p.NamedChild(0); name != nil {
						e.vars[t.text(name)] = rest
					}
				case "hash_splat_parameter":
					if name := p.NamedChild(0); name != nil {
						e.vars[t.text(name)] = o.h
					}
				case "keyword_parameter":
					name := t.text(p.NamedChild(0))
					if v, ok := o.get(name); ok {
						e.vars[name] = v
					} else if p.NamedChildCount() > 1 {
						e.vars[name] = t.eval(lastNamed(p), e)
					} else {
						e.vars[name] = value{}
					}
				}
			}
		case "body_statement":
			body = k
		}
	}
	if body == nil {
		return value{k: kNil}
	}
	var last value
	t.execBody(tsnode.Children(body), e, &last)
	return last
}

// exec runs statements; it returns true when a return ends the method.
func (t *tr) exec(stmts []*node, e *env) bool {
	return t.execBody(stmts, e, nil)
}

func (t *tr) execBody(stmts []*node, e *env, last *value) bool {
	guards := t.guards
	defer func() { t.guards = guards }()
	for i, s := range stmts {
		if !s.IsNamed() {
			continue
		}
		stop, v := t.statement(s, e)
		if t.restUndecided {
			// After `return if <undecided>`: what follows may not run.
			t.restUndecided = false
			if rest := stmts[i+1:]; len(rest) > 0 {
				t.undecided = append(t.undecided, t.f.Span(int(rest[0].StartByte()), int(rest[len(rest)-1].EndByte())))
			}
		}
		if last != nil {
			*last = v
		}
		if stop {
			return true
		}
		if t.returnsOnExistence(s) {
			t.guards++ // `return if column_exists?(...)` guards the rest
		}
	}
	return false
}

// statement runs one statement. It returns the value when the statement
// is an expression (the result of a helper method).
func (t *tr) statement(s *node, e *env) (stop bool, v value) {
	switch s.Type() {
	case "call":
		return false, t.call(s, e)
	case "identifier":
		name := t.text(s)
		if v, ok := e.lookup(name); ok {
			return false, v
		}
		return false, t.callByName(s, nil, name, nil, nil, e)
	case "assignment":
		l, r := s.NamedChild(0), lastNamed(s)
		v := t.eval(r, e)
		switch l.Type() {
		case "identifier":
			e.assign(t.text(l), v)
		case "constant":
			t.consts[t.text(l)] = v
		case "instance_variable":
			t.ivars[t.text(l)] = v
		}
		return false, v
	case "operator_assignment":
		if l := s.NamedChild(0); l != nil && l.Type() == "identifier" {
			e.assign(t.text(l), value{})
		}
		return false, value{}
	case "if", "unless":
		return t.ifStatement(s, e)
	case "case":
		return t.caseStatement(s, e)
	case "if_modifier", "unless_modifier":
		return t.modifier(s, e)
	case "conditional":
		return t.ifStatement(s, e)
	case "return":
		return true, value{}
	case "begin":
		for _, k := range tsnode.Children(s) {
			switch k.Type() {
			case "rescue", "else", "begin", "end":
				continue
			case "ensure":
				if t.exec(tsnode.Children(k), e) {
					return true, value{}
				}
			default:
				if k.IsNamed() {
					if stop, v := t.statement(k, e); stop {
						return true, v
					}
				}
			}
		}
		return false, value{}
	case "parenthesized_statements", "then", "else", "block_body", "body_statement":
		var last value
		stop := t.execBody(tsnode.Children(s), e, &last)
		return stop, last
	case "heredoc_body", "comment", "empty_statement", "ERROR":
		return false, value{}
	case "class", "module", "method", "singleton_method":
		// Model classes declared for a data migration, helpers: defined,
		// not run.
		return false, value{}
	case "string", "simple_symbol", "integer", "float", "true", "false", "nil", "array", "hash",
		"constant", "scope_resolution", "instance_variable", "self", "lambda", "heredoc_beginning",
		"string_array", "symbol_array", "chained_string", "delimited_symbol":
		return false, t.eval(s, e)
	case "while", "until", "for":
		t.hint(s, "loop not translated: the schema changes inside it are not checked")
		return false, value{}
	case "binary":
		// `a or raise ...` and friends: run both sides as statements.
		l, r := s.NamedChild(0), lastNamed(s)
		if l != nil {
			t.statement(l, e)
		}
		if r != nil && r != l {
			t.statement(r, e)
		}
		return false, value{}
	}
	t.hint(s, "code not translated: %s", t.snippet(s))
	return false, value{}
}

// tri is a three-valued truth.
type tri int

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

func (r tri) not() tri {
	switch r {
	case triTrue:
		return triFalse
	case triFalse:
		return triTrue
	}
	return triUnknown
}

// junction is && (decides is triFalse) and || (triTrue): either operand
// with the value that decides settles it, the left one without reading
// the right.
func (t *tr) junction(n *node, e *env, decides tri) (r tri, schemaOnly bool) {
	a, sa := t.cond(n.NamedChild(0), e)
	if a == decides {
		return decides, true
	}
	b, sb := t.cond(lastNamed(n), e)
	switch other := decides.not(); {
	case b == decides:
		return decides, true
	case a == other && b == other:
		return other, true
	}
	return triUnknown, (a != triUnknown || sa) && (b != triUnknown || sb)
}

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// cond evaluates a condition. schemaOnly is true when an unknown result
// comes only from schema questions (table_exists?, index_exists?, ...)
// about objects the replay does not know.
func (t *tr) cond(n *node, e *env) (r tri, schemaOnly bool) {
	switch n.Type() {
	case "parenthesized_statements":
		if k := lastNamed(n); k != nil {
			return t.cond(k, e)
		}
	case "unary":
		op := ""
		if n.ChildCount() > 0 {
			op = t.text(n.Child(0))
		}
		if op == "!" || op == "not" {
			r, s := t.cond(lastNamed(n), e)
			return r.not(), s
		}
	case "binary":
		var op string
		for _, k := range tsnode.Children(n) {
			if !k.IsNamed() {
				op = t.text(k)
			}
		}
		switch op {
		case "&&", "and":
			return t.junction(n, e, triFalse)
		case "||", "or":
			return t.junction(n, e, triTrue)
		}
	case "call", "identifier":
		if r, ok := t.predicate(n, e); ok {
			return r, true
		}
	}
	v := t.eval(n, e)
	if !v.known() {
		return triUnknown, false
	}
	return triOf(v.truthy()), true
}

func (t *tr) ifStatement(s *node, e *env) (bool, value) {
	var condN, then, alt *node
	neg := s.Type() == "unless"
	for _, k := range tsnode.Children(s) {
		switch {
		case !k.IsNamed():
		case condN == nil:
			condN = k
		case k.Type() == "then" || (s.Type() == "conditional" && then == nil):
			then = k
		case k.Type() == "else" || k.Type() == "elsif" || s.Type() == "conditional":
			alt = k
		}
	}
	if condN == nil {
		return false, value{}
	}
	r, schemaOnly := t.cond(condN, e)
	if neg {
		switch r {
		case triTrue:
			r = triFalse
		case triFalse:
			r = triTrue
		}
	}
	runBranch := func(b *node) (bool, value) {
		if b == nil {
			return false, value{}
		}
		switch b.Type() {
		case "elsif":
			return t.ifStatement(b, e)
		case "then", "else":
			var last value
			stop := t.execBody(tsnode.Children(b), e, &last)
			return stop, last
		}
		return t.statement(b, e)
	}
	if r != triUnknown {
		// A decided condition (on the adapter, a constant) is code
		// understood, even when the branch it takes is empty.
		t.recognised++
	}
	switch {
	case r == triTrue:
		return t.guardedBy(condN, func() (bool, value) { return runBranch(then) })
	case r == triFalse:
		return t.guardedBy(condN, func() (bool, value) { return runBranch(alt) })
	case schemaOnly:
		// A guard such as `unless index_exists?(...)` about objects the
		// replay does not know: assume it lets its body run.
		return t.guardedBy(condN, func() (bool, value) { return runBranch(then) })
	}
	t.hint(condN, "condition not evaluated: every branch is checked, and what is found there is at most a warning")
	t.undecidedSpan(then)
	t.undecidedSpan(alt)
	stop1, v := runBranch(then)
	stop2, _ := runBranch(alt)
	return stop1 && stop2, v
}

func (t *tr) modifier(s *node, e *env) (bool, value) {
	body, condN := s.NamedChild(0), lastNamed(s)
	if body == nil || condN == nil {
		return false, value{}
	}
	r, schemaOnly := t.cond(condN, e)
	if s.Type() == "unless_modifier" {
		switch r {
		case triTrue:
			r = triFalse
		case triFalse:
			r = triTrue
		}
	}
	isReturn := body.Type() == "return"
	if r != triUnknown {
		t.recognised++
	}
	switch {
	case r == triTrue:
		return t.guardedBy(condN, func() (bool, value) { return t.statement(body, e) })
	case r == triFalse:
		return false, value{}
	case isReturn:
		// `return if ...` we cannot decide: keep going, so the rest is
		// checked, as code that may not run.
		if !schemaOnly {
			t.hint(condN, "condition not evaluated: the rest of the method is checked, and what is found there is at most a warning")
			t.restUndecided = true
		}
		return false, value{}
	case schemaOnly:
		return t.guardedBy(condN, func() (bool, value) { return t.statement(body, e) })
	}
	t.hint(condN, "condition not evaluated: the statement is checked as if it runs, and what is found there is at most a warning")
	t.undecidedSpan(body)
	return t.statement(body, e)
}

// args evaluates an argument list into positional values and keyword
// options. A trailing literal hash counts as options.
func (t *tr) args(list *node, e *env) (pos []value, o opts, argNodes []*node) {
	o = emptyOpts()
	if list == nil {
		return
	}
	// Sized once, the values in one array: a call's few arguments would
	// otherwise grow three slices two or three times, on every call of a
	// long migration.
	n, pairs := 0, 0
	for _, k := range tsnode.Children(list) {
		switch {
		case k.Type() == "pair":
			pairs++
		case k.IsNamed():
			n++
		}
	}
	vals := make([]value, n+2*pairs)
	pos, argNodes = vals[:0:n], make([]*node, 0, n)
	o.h.list, o.h.vals = vals[n:n:n+pairs], vals[n+pairs:n+pairs]
	for _, k := range tsnode.Children(list) {
		switch k.Type() {
		case "pair":
			key, val := k.NamedChild(0), lastNamed(k)
			kv := t.hashKey(key, e)
			o.h.list = append(o.h.list, kv)
			o.h.vals = append(o.h.vals, t.eval(val, e))
		case "hash_splat_argument":
			v := t.eval(k.NamedChild(0), e)
			if v.k == kHash {
				for i := range v.list {
					o.h.list = append(o.h.list, v.list[i])
					o.h.vals = append(o.h.vals, v.vals[i])
				}
			} else {
				o.h.list = append(o.h.list, value{k: kSymbol, s: "**"})
				o.h.vals = append(o.h.vals, value{n: k})
			}
		case "block_argument":
		case "splat_argument":
			v := t.eval(k.NamedChild(0), e)
			if v.k == kArray {
				pos = append(pos, v.list...)
				for range v.list {
					argNodes = append(argNodes, k)
				}
			} else {
				pos = append(pos, value{n: k})
				argNodes = append(argNodes, k)
			}
		default:
			if !k.IsNamed() {
				continue
			}
			pos = append(pos, t.eval(k, e))
			argNodes = append(argNodes, k)
		}
	}
	if len(o.h.list) == 0 && len(pos) > 0 && pos[len(pos)-1].k == kHash {
		o.h = pos[len(pos)-1]
		pos = pos[:len(pos)-1]
		argNodes = argNodes[:len(argNodes)-1]
	}
	return
}

func (t *tr) hashKey(key *node, e *env) value {
	switch key.Type() {
	case "hash_key_symbol":
		return value{k: kSymbol, s: t.text(key), n: key}
	}
	v := t.eval(key, e)
	if v.k == kString {
		v.k = kString
	}
	return v
}

// eval computes the value of an expression, kUnknown when it cannot.
func (t *tr) eval(n *node, e *env) value {
	if n == nil {
		return value{}
	}
	switch n.Type() {
	case "simple_symbol":
		return value{k: kSymbol, s: strings.TrimPrefix(t.text(n), ":"), n: n}
	case "hash_key_symbol":
		return value{k: kSymbol, s: t.text(n), n: n}
	case "delimited_symbol":
		m, ok := t.stringNode(n, e)
		if !ok {
			return value{n: n}
		}
		return value{k: kSymbol, s: string(m.text), n: n}
	case "string", "chained_string", "heredoc_beginning":
		if s, ok := t.plainString(n); ok {
			return value{k: kString, s: s, n: n}
		}
		m, ok := t.stringNode(n, e)
		if !ok {
			return value{n: n}
		}
		return value{k: kString, s: string(m.text), n: n}
	case "integer":
		txt := strings.ReplaceAll(t.text(n), "_", "")
		i, err := strconv.ParseInt(txt, 0, 64)
		if err != nil {
			return value{n: n}
		}
		return value{k: kInt, i: i, s: txt, n: n}
	case "float":
		txt := strings.ReplaceAll(t.text(n), "_", "")
		f, err := strconv.ParseFloat(txt, 64)
		if err != nil {
			return value{n: n}
		}
		return value{k: kFloat, f: f, s: rubyFloat(f), n: n}
	case "true":
		return value{k: kBool, b: true, n: n}
	case "false":
		return value{k: kBool, b: false, n: n}
	case "nil":
		return value{k: kNil, n: n}
	case "array":
		v := value{k: kArray, n: n}
		for _, k := range tsnode.Children(n) {
			if !k.IsNamed() {
				continue
			}
			if k.Type() == "splat_argument" {
				x := t.eval(k.NamedChild(0), e)
				if x.k != kArray {
					return value{n: n}
				}
				v.list = append(v.list, x.list...)
				continue
			}
			v.list = append(v.list, t.eval(k, e))
		}
		return v
	case "string_array", "symbol_array":
		v := value{k: kArray, n: n}
		kind := kString
		if n.Type() == "symbol_array" {
			kind = kSymbol
		}
		for _, k := range tsnode.Children(n) {
			if k.Type() == "bare_string" || k.Type() == "bare_symbol" {
				m, ok := t.stringNode(k, e)
				if !ok {
					return value{n: n}
				}
				v.list = append(v.list, value{k: kind, s: string(m.text), n: k})
			}
		}
		return v
	case "hash":
		v := value{k: kHash, n: n}
		for _, k := range tsnode.Children(n) {
			switch k.Type() {
			case "pair":
				v.list = append(v.list, t.hashKey(k.NamedChild(0), e))
				v.vals = append(v.vals, t.eval(lastNamed(k), e))
			case "hash_splat_argument":
				x := t.eval(k.NamedChild(0), e)
				if x.k != kHash {
					return value{n: n}
				}
				v.list = append(v.list, x.list...)
				v.vals = append(v.vals, x.vals...)
			}
		}
		return v
	case "unary":
		op := ""
		if n.ChildCount() > 0 {
			op = t.text(n.Child(0))
		}
		x := t.eval(lastNamed(n), e)
		switch {
		case op == "-" && x.k == kInt:
			x.i = -x.i
			x.s = strconv.FormatInt(x.i, 10)
			x.n = n
			return x
		case op == "-" && x.k == kFloat:
			x.f = -x.f
			x.s = rubyFloat(x.f)
			x.n = n
			return x
		case (op == "!" || op == "not") && x.known():
			return value{k: kBool, b: !x.truthy(), n: n}
		}
		return value{n: n}
	case "parenthesized_statements":
		if k := lastNamed(n); k != nil {
			return t.eval(k, e)
		}
		return value{k: kNil, n: n}
	case "identifier":
		name := t.text(n)
		if v, ok := e.lookup(name); ok {
			return v
		}
		if name == "reverting?" {
			return value{k: kBool, n: n}
		}
		if m := t.methods[name]; m != nil {
			return t.callMethod(m, nil, emptyOpts(), nil)
		}
		if v, ok := t.adapterQuestion(n, nil, name, nil, e); ok {
			return v
		}
		return value{n: n}
	case "constant":
		if v, ok := t.consts[t.text(n)]; ok {
			return v
		}
		return value{n: n}
	case "instance_variable":
		if v, ok := t.ivars[t.text(n)]; ok {
			return v
		}
		return value{n: n}
	case "lambda":
		return t.procValue(n, child(n, "block"), child(n, "do_block"))
	case "regex":
		return t.regexValue(n)
	case "case":
		return t.caseValue(n, e)
	case "conditional":
		r, _ := t.cond(n.NamedChild(0), e)
		kids := tsnode.Named(n)
		if len(kids) == 3 {
			switch r {
			case triTrue:
				return t.eval(kids[1], e)
			case triFalse:
				return t.eval(kids[2], e)
			}
		}
		return value{n: n}
	case "binary":
		l, r := n.NamedChild(0), lastNamed(n)
		var op string
		for _, k := range tsnode.Children(n) {
			if !k.IsNamed() {
				op = t.text(k)
			}
		}
		a, b := t.eval(l, e), t.eval(r, e)
		switch op {
		case "+":
			if a.k == kString && b.k == kString {
				return value{k: kString, s: a.s + b.s, n: n}
			}
			if a.k == kInt && b.k == kInt {
				return value{k: kInt, i: a.i + b.i, s: strconv.FormatInt(a.i+b.i, 10), n: n}
			}
			if a.k == kArray && b.k == kArray {
				return value{k: kArray, list: append(append([]value(nil), a.list...), b.list...), n: n}
			}
		case "*":
			if a.k == kInt && b.k == kInt {
				return value{k: kInt, i: a.i * b.i, s: strconv.FormatInt(a.i*b.i, 10), n: n}
			}
		case "<", "<=", ">", ">=":
			if a.k == kInt && b.k == kInt {
				lt, eq := a.i < b.i, a.i == b.i
				r := map[string]bool{"<": lt, "<=": lt || eq, ">": !lt && !eq, ">=": !lt}[op]
				return value{k: kBool, b: r, n: n}
			}
		case "==", "!=":
			if a.known() && b.known() {
				return value{k: kBool, b: equal(a, b) == (op == "=="), n: n}
			}
		case "=~":
			if m, ok := match(a, b); ok {
				m.n = n
				return m
			}
		case "!~":
			if m, ok := match(a, b); ok {
				return value{k: kBool, b: m.k == kNil, n: n}
			}
		case "===":
			if r := caseEqual(a, b); r != triUnknown {
				return value{k: kBool, b: r == triTrue, n: n}
			}
		case "&&", "and", "||", "or":
			r, _ := t.cond(n, e)
			if r != triUnknown {
				return value{k: kBool, b: r == triTrue, n: n}
			}
		}
		return value{n: n}
	case "element_reference":
		kids := tsnode.Named(n)
		if len(kids) == 2 {
			obj, key := t.eval(kids[0], e), t.eval(kids[1], e)
			switch {
			case obj.k == kHash:
				if ks, ok := key.str(); ok {
					if v, ok := obj.get(ks); ok {
						return v
					}
				}
			case obj.k == kArray && key.k == kInt:
				i := int(key.i)
				if i < 0 {
					i += len(obj.list)
				}
				if i >= 0 && i < len(obj.list) {
					return obj.list[i]
				}
			}
		}
		return value{n: n}
	case "call":
		return t.evalCall(n, e)
	}
	return value{n: n}
}

// plainString reads a literal without escapes or interpolation, the
// common case, without building an offset map.
func (t *tr) plainString(n *node) (string, bool) {
	if n.Type() != "string" || len(tsnode.Children(n)) < 2 || len(tsnode.Children(n)) > 3 {
		return "", false
	}
	if len(tsnode.Children(n)) == 2 {
		return "", true
	}
	k := tsnode.Children(n)[1]
	if k.Type() != "string_content" {
		return "", false
	}
	b := t.src[k.StartByte():k.EndByte()]
	for _, c := range b {
		if c == '\\' {
			return "", false
		}
	}
	return string(b), true
}

// procValue reads `-> { "now()" }`, lambda { ... } and proc { ... }: the
// string the block returns is raw SQL for default:.
func (t *tr) procValue(n *node, blocks ...*node) value {
	for _, b := range blocks {
		if b == nil {
			continue
		}
		_, body := blockParts(b)
		var last *node
		for _, s := range body {
			if s.IsNamed() {
				last = s
			}
		}
		if last != nil {
			v := t.eval(last, newEnv(nil))
			if v.k == kString {
				return value{k: kProc, s: v.s, n: n}
			}
		}
	}
	return value{n: n}
}

// evalCall computes calls that yield values: string methods, lambdas,
// schema predicates, helper methods.
func (t *tr) evalCall(n *node, e *env) value {
	recv, meth, argsN, block := callParts(n)
	if meth == nil {
		return value{n: n}
	}
	name := t.text(meth)
	if recv == nil {
		switch name {
		case "lambda", "proc":
			return t.procValue(n, block)
		}
		if r, ok := t.predicate(n, e); ok {
			if r == triUnknown {
				return value{n: n}
			}
			return value{k: kBool, b: r == triTrue, n: n}
		}
		if m := t.methods[name]; m != nil {
			pos, o, _ := t.args(argsN, e)
			return t.callMethod(m, pos, o, nil)
		}
		if v, ok := t.adapterQuestion(n, nil, name, argsN, e); ok {
			return v
		}
		return value{n: n}
	}
	if r, ok := t.predicate(n, e); ok {
		if r == triUnknown {
			return value{n: n}
		}
		return value{k: kBool, b: r == triTrue, n: n}
	}
	if v, ok := t.adapterQuestion(n, recv, name, argsN, e); ok {
		return v
	}
	x := t.eval(recv, e)
	pos, _, _ := t.args(argsN, e)
	if b, ok := stringQuestion(name, x, pos); ok {
		return value{k: kBool, b: b, n: n}
	}
	switch name {
	case "to_s":
		if s, ok := x.str(); ok {
			return value{k: kString, s: s, n: x.n}
		}
		if x.k == kNil {
			return value{k: kString, n: n}
		}
	case "to_sym":
		if s, ok := x.str(); ok {
			return value{k: kSymbol, s: s, n: x.n}
		}
	case "freeze", "dup", "itself", "presence":
		return x
	case "squish", "strip", "chomp", "downcase", "upcase", "pluralize", "singularize", "tableize", "underscore":
		if x.k != kString && x.k != kSymbol {
			break
		}
		s := x.s
		switch name {
		case "squish":
			s = squish(s)
		case "strip":
			s = strings.TrimSpace(s)
		case "chomp":
			s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
		case "downcase":
			s = strings.ToLower(s)
		case "upcase":
			s = strings.ToUpper(s)
		case "pluralize":
			s = pluralize(s)
		case "singularize":
			s = singularize(s)
		case "underscore":
			s = underscore(s)
		case "tableize":
			s = pluralize(underscore(s))
		}
		return value{k: kString, s: s, n: x.n}
	case "join":
		if x.k == kArray {
			sep := ""
			if len(pos) == 1 {
				sep, _ = pos[0].str()
			}
			parts := make([]string, 0, len(x.list))
			for _, el := range x.list {
				s, ok := el.str()
				if !ok {
					return value{n: n}
				}
				parts = append(parts, s)
			}
			return value{k: kString, s: strings.Join(parts, sep), n: n}
		}
	case "map":
		// %w[a b].map(&:to_sym) and friends.
		if x.k == kArray && argsN != nil {
			if ba := child(argsN, "block_argument"); ba != nil {
				fn := strings.TrimPrefix(t.text(ba), "&:")
				out := value{k: kArray, n: n}
				for _, el := range x.list {
					s, ok := el.str()
					if !ok {
						return value{n: n}
					}
					switch fn {
					case "to_sym":
						out.list = append(out.list, value{k: kSymbol, s: s, n: el.n})
					case "to_s":
						out.list = append(out.list, value{k: kString, s: s, n: el.n})
					default:
						return value{n: n}
					}
				}
				return out
			}
		}
	case "new":
		return value{n: n}
	}
	return value{n: n}
}

// underscore is ActiveSupport's String#underscore for plain constant
// names ("AdminUser" -> "admin_user").
func underscore(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 && s[i-1] != ':' && s[i-1] != '_' {
				b.WriteByte('_')
			}
			b.WriteRune(r + ('a' - 'A'))
			continue
		}
		if r == ':' {
			if i > 0 && s[i-1] == ':' {
				b.WriteByte('/')
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
