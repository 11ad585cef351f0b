// Package codekey gives a piece of migration code written in a host
// language (Python, Ruby) a key that ignores how it is written: its
// tree-sitter tree without comments, layout, quote style or redundant
// parentheses, with the module's own functions it names replaced by
// their bodies. Two versions of a data step with the same key do the
// same; check compares released migrations by it where no translation
// says what the code does.
package codekey

import (
	"path"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/ruby"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// Keyer keys spans of one file.
type Keyer struct {
	src   string
	ruby  bool
	root  *tsnode.Node
	funcs map[string]*tsnode.Node // Python module-level defs by name
}

// For returns a Keyer for a file by its name's extension (.py, .rb), or
// nil for a language it does not read.
func For(name string, src []byte) *Keyer {
	var lang *sitter.Language
	switch path.Ext(name) {
	case ".py":
		lang = python.GetLanguage()
	case ".rb":
		lang = ruby.GetLanguage()
	default:
		return nil
	}
	k := &Keyer{src: string(src), ruby: path.Ext(name) == ".rb", root: tsnode.Parse(lang, src), funcs: map[string]*tsnode.Node{}}
	if !k.ruby {
		for _, n := range tsnode.Named(k.root) {
			if n.Type() == "decorated_definition" {
				n = n.ChildByFieldName("definition")
			}
			if n != nil && n.Type() == "function_definition" {
				if nm := n.ChildByFieldName("name"); nm != nil {
					k.funcs[tsnode.Text(nm, k.src)] = n
				}
			}
		}
	}
	return k
}

// Key is the key of the code in [start, end): of the smallest node that
// holds it, without the parts of that node outside the range (the body
// of a statement whose header the range is). "" for an empty range.
func (k *Keyer) Key(start, end int) string {
	if k == nil || end <= start || end > len(k.src) {
		return ""
	}
	n := k.root
	for {
		var in *tsnode.Node
		for _, c := range tsnode.Children(n) {
			if int(c.StartByte()) <= start && int(c.EndByte()) >= end {
				in = c
				break
			}
		}
		if in == nil {
			break
		}
		n = in
	}
	w := &writer{k: k, start: start, end: end, expanding: map[string]bool{}}
	w.node(n)
	return w.b.String()
}

// Function is the key of a Python module-level function (its parameters
// and body, not its name), and whether the file defines it.
func (k *Keyer) Function(name string) (string, bool) {
	if k == nil {
		return "", false
	}
	f := k.funcs[name]
	if f == nil {
		return "", false
	}
	w := &writer{k: k, start: 0, end: len(k.src), expanding: map[string]bool{name: true}}
	w.function(f)
	return w.b.String(), true
}

type writer struct {
	k          *Keyer
	b          strings.Builder
	start, end int
	expanding  map[string]bool
}

// punctuation carries no meaning once the tree has the structure.
var punctuation = map[string]bool{",": true, "(": true, ")": true, "[": true, "]": true, "{": true, "}": true, ":": true, ";": true, "\n": true, "=>": true}

func (w *writer) node(n *tsnode.Node) {
	t := n.Type()
	if t == "comment" || (n.IsNamed() && t == "line_continuation") {
		return
	}
	if !n.IsNamed() {
		if !punctuation[t] {
			w.b.WriteString(t)
			w.b.WriteByte(' ')
		}
		return
	}
	// (x) is x: Python's parenthesized_expression, Ruby's
	// parenthesized_statements.
	if t == "parenthesized_expression" || t == "parenthesized_statements" {
		if c := tsnode.OnlyNamed(n); c != nil {
			w.node(c)
			return
		}
	}
	if w.k.ruby {
		if w.rubyNode(n, t) {
			return
		}
	} else if w.pythonNode(n, t) {
		return
	}
	if n.ChildCount() == 0 {
		w.b.WriteString(t)
		w.b.WriteByte(':')
		w.b.WriteString(tsnode.Text(n, w.k.src))
		w.b.WriteByte(' ')
		return
	}
	w.b.WriteString(t)
	w.b.WriteByte('(')
	for _, c := range tsnode.Children(n) {
		if int(c.EndByte()) <= w.start || int(c.StartByte()) >= w.end {
			continue
		}
		w.node(c)
	}
	w.b.WriteString(") ")
}

func lastName(n *tsnode.Node, src string) string {
	switch n.Type() {
	case "identifier":
		return tsnode.Text(n, src)
	case "attribute":
		if a := n.ChildByFieldName("attribute"); a != nil {
			return tsnode.Text(a, src)
		}
	}
	return ""
}

// pythonNode writes the Python spellings that mean the same as another
// (and the functions the code names); false for the rest.
func (w *writer) pythonNode(n *tsnode.Node, t string) bool {
	src := w.k.src
	switch t {
	case "expression_statement":
		// A bare string (a docstring) does nothing.
		if c := tsnode.OnlyNamed(n); c != nil && (c.Type() == "string" || c.Type() == "concatenated_string") {
			return true
		}
	case "string", "concatenated_string":
		w.b.WriteString("str\"")
		w.pyString(n)
		w.b.WriteString("\" ")
		return true
	case "attribute":
		a, obj := n.ChildByFieldName("attribute"), n.ChildByFieldName("object")
		if a == nil || obj == nil {
			return false
		}
		switch an := tsnode.Text(a, src); {
		case an == "_mapping":
			// SQLAlchemy 2.0 reads a row by key through row._mapping; 1.x
			// indexed the row itself.
			w.node(obj)
			return true
		case obj.Type() == "identifier" && tsnode.Text(obj, src) == "six" && sixTypes[an] != "":
			// six.text_type is str on the Python 3 a migration runs on.
			w.b.WriteString("identifier:" + sixTypes[an] + " ")
			return true
		}
	case "augmented_assignment":
		// x |= y is x = x | y.
		left, right := n.ChildByFieldName("left"), n.ChildByFieldName("right")
		op := n.ChildByFieldName("operator")
		if left == nil || right == nil || op == nil {
			return false
		}
		w.b.WriteString("assignment(")
		w.node(left)
		w.b.WriteString("= binary_operator(")
		w.node(left)
		w.b.WriteString(strings.TrimSuffix(op.Type(), "=") + " ")
		w.node(right)
		w.b.WriteString(") ) ")
		return true
	case "call":
		fn, args := n.ChildByFieldName("function"), n.ChildByFieldName("arguments")
		if fn == nil || args == nil || args.Type() != "argument_list" {
			return false
		}
		arg := tsnode.OnlyNamed(args)
		switch name := lastName(fn, src); name {
		case "RunPython":
			w.runPython(args)
			return true
		case "execute", "create", "drop", "create_all", "drop_all":
			if fn.Type() == "attribute" && w.boundCall(n, fn, args, name) {
				return true
			}
		case "iterator", "bulk_create", "bulk_update":
			// How many rows a query fetches or writes at a time
			// (iterator(2000), chunk_size=, batch_size=) changes no row.
			if fn.Type() == "attribute" {
				w.b.WriteString("call(")
				w.node(fn)
				w.b.WriteString("argument_list(")
				pos := 0 // positional arguments, comments not counted
				for _, a := range tsnode.Named(args) {
					if a.Type() == "comment" {
						continue
					}
					first := a.Type() != "keyword_argument" && pos == 0
					if a.Type() != "keyword_argument" {
						pos++
					}
					if (name == "iterator" && first) || isKeyword(a, w.k.src, "chunk_size", "batch_size") {
						continue
					}
					w.node(a)
				}
				w.b.WriteString(") ) ")
				return true
			}
		case "text":
			// sa.text("...") sends the text as it is.
			if arg != nil && (arg.Type() == "string" || arg.Type() == "concatenated_string") {
				w.node(arg)
				return true
			}
		case "select":
			// select([a, b]) is SQLAlchemy 1.x for select(a, b).
			if arg != nil && arg.Type() == "list" {
				w.b.WriteString("call(")
				w.node(fn)
				w.b.WriteString("argument_list(")
				for _, c := range tsnode.Children(arg) {
					w.node(c)
				}
				w.b.WriteString(") ) ")
				return true
			}
		}
	case "identifier":
		name := tsnode.Text(n, src)
		if f := w.k.funcs[name]; f != nil && !w.expanding[name] && !isDefName(n) {
			w.expanding[name] = true
			w.function(f)
			delete(w.expanding, name)
			return true
		}
	}
	return false
}

// sixTypes are six's names for Python 3 types.
var sixTypes = map[string]string{"text_type": "str", "binary_type": "bytes", "string_types": "str"}

// runPython writes what Django's RunPython runs on migrate: its code
// (positional or code=) and atomic=, not the reverse code, hints or
// elidable.
func (w *writer) runPython(args *tsnode.Node) {
	w.b.WriteString("RunPython(")
	pos := 0
	for _, a := range tsnode.Named(args) {
		switch {
		case a.Type() == "comment":
		case a.Type() == "keyword_argument":
			k := a.ChildByFieldName("name")
			if k == nil {
				continue
			}
			switch tsnode.Text(k, w.k.src) {
			case "code":
				w.node(a.ChildByFieldName("value"))
			case "atomic":
				w.node(a)
			}
		default:
			if pos == 0 {
				w.node(a)
			}
			pos++
		}
	}
	w.b.WriteString(") ")
}

// boundCall writes a SQLAlchemy call the same whatever connection it
// names: conn.execute(stmt) and SQLAlchemy 1.x's stmt.execute() (on the
// bound metadata) as exec(stmt); table.create() and
// table.create(op.get_bind()) as table.create(). Where a statement runs
// is the migration's business, what it is is the key's. A create or drop
// is written with whether it checks first (checkfirst=, or the
// `if not table.exists():` guard that spells it).
func (w *writer) boundCall(call, fn, args *tsnode.Node, name string) bool {
	var rest []*tsnode.Node
	checkfirst := name == "create_all" || name == "drop_all" // their default
	for _, a := range tsnode.Named(args) {
		if a.Type() == "comment" || w.isBind(a) {
			continue
		}
		if isKeyword(a, w.k.src, "checkfirst") {
			v := a.ChildByFieldName("value")
			checkfirst = v != nil && v.Type() == "true"
			continue
		}
		rest = append(rest, a)
	}
	obj := fn.ChildByFieldName("object")
	if (name == "create" || name == "drop") && w.guardedByExists(call, obj, name == "create") {
		checkfirst = true
	}
	if name == "execute" {
		w.b.WriteString("exec(")
		if len(rest) == 0 {
			w.node(obj)
		}
		for _, a := range rest {
			w.node(a)
		}
		w.b.WriteString(") ")
		return true
	}
	w.b.WriteString("call(")
	w.node(fn)
	w.b.WriteString("argument_list(")
	for _, a := range rest {
		w.node(a)
	}
	if checkfirst {
		w.b.WriteString("checkfirst ")
	}
	w.b.WriteString(") ) ")
	return true
}

// guardedByExists reports whether a create (drop) of obj runs only under
// `if not obj.exists(...):` (`if obj.exists(...):`) with no other
// branch: what checkfirst=True does.
func (w *writer) guardedByExists(call, obj *tsnode.Node, create bool) bool {
	if obj == nil {
		return false
	}
	want := tsnode.Text(obj, w.k.src)
	for n := call.Parent(); n != nil && n.Type() != "function_definition"; n = n.Parent() {
		if n.Type() != "if_statement" || n.ChildByFieldName("alternative") != nil {
			continue
		}
		if body := n.ChildByFieldName("consequence"); body == nil || call.StartByte() < body.StartByte() {
			continue
		}
		c := n.ChildByFieldName("condition")
		if create {
			if c == nil || c.Type() != "not_operator" {
				continue
			}
			c = c.ChildByFieldName("argument")
		}
		if c == nil || c.Type() != "call" {
			continue
		}
		if f := c.ChildByFieldName("function"); f != nil && f.Type() == "attribute" && lastName(f, w.k.src) == "exists" {
			if o := f.ChildByFieldName("object"); o != nil && tsnode.Text(o, w.k.src) == want {
				return true
			}
		}
	}
	return false
}

// isKeyword reports whether a call argument is one of the keyword
// arguments named.
func isKeyword(a *tsnode.Node, src string, names ...string) bool {
	if a.Type() != "keyword_argument" {
		return false
	}
	k := a.ChildByFieldName("name")
	return k != nil && slices.Contains(names, tsnode.Text(k, src))
}

// isBind reports whether a call argument names the connection: bind=...,
// op.get_bind(), or a name that says it is one (migrate_engine, conn).
func (w *writer) isBind(a *tsnode.Node) bool {
	if a.Type() == "keyword_argument" {
		return isKeyword(a, w.k.src, "bind")
	}
	if a.Type() == "call" {
		return lastName(a.ChildByFieldName("function"), w.k.src) == "get_bind"
	}
	if a.Type() == "identifier" {
		n := strings.ToLower(tsnode.Text(a, w.k.src))
		return n == "bind" || n == "conn" || n == "connection" || strings.HasSuffix(n, "engine")
	}
	return false
}

func isDefName(n *tsnode.Node) bool {
	p := n.Parent()
	return p != nil && p.Type() == "function_definition" && p.ChildByFieldName("name") != nil && p.ChildByFieldName("name") == n
}

// function writes a def's parameters and body: its name is how it is
// called, not what it does.
func (w *writer) function(f *tsnode.Node) {
	start, end := w.start, w.end
	w.start, w.end = int(f.StartByte()), int(f.EndByte())
	w.b.WriteString("def(")
	if p := f.ChildByFieldName("parameters"); p != nil {
		w.node(p)
	}
	if b := f.ChildByFieldName("body"); b != nil {
		w.node(b)
	}
	w.b.WriteString(") ")
	w.start, w.end = start, end
}

// pyString writes a string literal's value: prefix letters that change
// it (b, r, f), not u or the quotes; escapes of quotes undone.
func (w *writer) pyString(n *tsnode.Node) {
	src := w.k.src
	if n.Type() == "concatenated_string" {
		for _, c := range tsnode.Named(n) {
			if c.Type() == "string" {
				w.pyString(c)
			}
		}
		return
	}
	text := tsnode.Text(n, src)
	i := strings.IndexAny(text, `'"`)
	if i < 0 {
		w.b.WriteString(text)
		return
	}
	prefix := strings.ToLower(text[:i])
	raw := strings.Contains(prefix, "r")
	for _, flag := range "bfr" {
		if strings.ContainsRune(prefix, flag) {
			w.b.WriteRune(flag)
		}
	}
	w.b.WriteByte('|')
	for _, c := range tsnode.Children(n) {
		switch c.Type() {
		case "string_start", "string_end":
		case "interpolation":
			w.b.WriteByte('{')
			for _, e := range tsnode.Named(c) {
				w.node(e)
			}
			w.b.WriteByte('}')
		case "escape_sequence":
			e := tsnode.Text(c, src)
			if !raw && (e == `\'` || e == `\"`) {
				e = e[1:]
			}
			w.b.WriteString(e)
		default:
			w.b.WriteString(tsnode.Text(c, src))
		}
	}
}

// rubyNode writes the Ruby spellings that mean the same as another;
// false for the rest.
func (w *writer) rubyNode(n *tsnode.Node, t string) bool {
	src := w.k.src
	switch t {
	case "string":
		w.b.WriteString("str\"")
		for _, c := range tsnode.Children(n) {
			switch c.Type() {
			case "string_content":
				w.b.WriteString(tsnode.Text(c, src))
			case "escape_sequence":
				e := tsnode.Text(c, src)
				if e == `\'` || e == `\"` {
					e = e[1:]
				}
				w.b.WriteString(e)
			case "interpolation":
				w.b.WriteByte('{')
				for _, e := range tsnode.Named(c) {
					w.node(e)
				}
				w.b.WriteByte('}')
			}
		}
		w.b.WriteString("\" ")
		return true
	case "simple_symbol", "hash_key_symbol":
		// :name, and name: as a hash key, are the same symbol.
		w.b.WriteString("sym:" + rubySymbol(n, src) + " ")
		return true
	case "call":
		return w.rubyCall(n)
	}
	return false
}

// rubyCall writes the ActiveRecord spellings of one query alike: the
// Rails 6.1 where.missing(:assoc) and what it stands for,
// left_outer_joins(:assoc).where(assocs: {id: nil}) (the association's
// table is its plural, as ActiveRecord names it); and a batched query
// without its batch size (find_each(batch_size: 500), in_batches(of:
// 100)), which changes how many rows are read at a time, not which.
func (w *writer) rubyCall(n *tsnode.Node) bool {
	src := w.k.src
	method, recv := n.ChildByFieldName("method"), n.ChildByFieldName("receiver")
	if method == nil {
		return false
	}
	args := n.ChildByFieldName("arguments")
	switch m := tsnode.Text(method, src); m {
	case "missing":
		// X.where.missing(:assoc)
		if recv == nil || recv.Type() != "call" || args == nil || rubyMethod(recv, src) != "where" || recv.ChildByFieldName("arguments") != nil {
			return false
		}
		assoc := tsnode.OnlyNamed(args)
		if assoc == nil || assoc.Type() != "simple_symbol" {
			return false
		}
		w.whereMissing(recv.ChildByFieldName("receiver"), strings.TrimPrefix(tsnode.Text(assoc, src), ":"), n)
		return true
	case "where":
		// X.left_outer_joins(:assoc).where(assocs: {id: nil})
		if recv == nil || recv.Type() != "call" || args == nil {
			return false
		}
		if j := rubyMethod(recv, src); j != "left_outer_joins" && j != "left_joins" {
			return false
		}
		jargs := recv.ChildByFieldName("arguments")
		if jargs == nil {
			return false
		}
		assoc, cond := tsnode.OnlyNamed(jargs), tsnode.OnlyNamed(args)
		if assoc == nil || assoc.Type() != "simple_symbol" || cond == nil {
			return false
		}
		name := strings.TrimPrefix(tsnode.Text(assoc, src), ":")
		if !w.isMissingCondition(cond, inflect.Default().Pluralize(name)) {
			return false
		}
		w.whereMissing(recv.ChildByFieldName("receiver"), name, n)
		return true
	case "find_each", "find_in_batches", "in_batches":
		w.b.WriteString("call(")
		if recv != nil {
			w.node(recv)
		}
		w.b.WriteString(m + " ")
		if args != nil {
			for _, a := range tsnode.Named(args) {
				if k := a.ChildByFieldName("key"); a.Type() == "comment" || (a.Type() == "pair" && k != nil && (rubySymbol(k, src) == "batch_size" || rubySymbol(k, src) == "of")) {
					continue
				}
				w.node(a)
			}
		}
		if b := n.ChildByFieldName("block"); b != nil {
			w.node(b)
		}
		w.b.WriteString(") ")
		return true
	}
	return false
}

func (w *writer) whereMissing(recv *tsnode.Node, assoc string, call *tsnode.Node) {
	w.b.WriteString("where_missing(")
	if recv != nil {
		w.node(recv)
	}
	w.b.WriteString("sym:" + assoc + " ")
	if b := call.ChildByFieldName("block"); b != nil {
		w.node(b)
	}
	w.b.WriteString(") ")
}

// isMissingCondition reports whether a where argument is `table: {id:
// nil}` (or `:table => {:id => nil}`).
func (w *writer) isMissingCondition(cond *tsnode.Node, table string) bool {
	src := w.k.src
	if cond.Type() == "hash" {
		if cond = tsnode.OnlyNamed(cond); cond == nil {
			return false
		}
	}
	if cond.Type() != "pair" {
		return false
	}
	k, v := cond.ChildByFieldName("key"), cond.ChildByFieldName("value")
	if k == nil || v == nil || rubySymbol(k, src) != table || v.Type() != "hash" {
		return false
	}
	p := tsnode.OnlyNamed(v)
	if p == nil || p.Type() != "pair" {
		return false
	}
	pk, pv := p.ChildByFieldName("key"), p.ChildByFieldName("value")
	return pk != nil && pv != nil && rubySymbol(pk, src) == "id" && pv.Type() == "nil"
}

// rubyMethod is the method name of a Ruby call node.
func rubyMethod(call *tsnode.Node, src string) string {
	if m := call.ChildByFieldName("method"); m != nil {
		return tsnode.Text(m, src)
	}
	return ""
}

// rubySymbol is the name of a symbol (:name, or name: as a hash key);
// "" for anything else.
func rubySymbol(n *tsnode.Node, src string) string {
	switch n.Type() {
	case "simple_symbol":
		return strings.TrimPrefix(tsnode.Text(n, src), ":")
	case "hash_key_symbol":
		return tsnode.Text(n, src)
	}
	return ""
}
