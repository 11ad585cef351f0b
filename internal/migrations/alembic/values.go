package alembic

import (
	"strconv"
	"strings"
)

// strValue evaluates e as a string: a literal (concatenated, or an
// f-string whose interpolations are known), a name bound to one, or
// op.f()/conv() around one. offs maps each byte of the value to the file
// offset it came from (len(text)+1 entries; -1 for values with no place
// in this file).
func (t *translator) strValue(e *expr) (text string, offs []int, ok bool) {
	return t.strValueDepth(e, 0)
}

func (t *translator) strValueDepth(e *expr, depth int) (string, []int, bool) {
	if e == nil || depth > 16 {
		return "", nil, false
	}
	e = t.resolve(e)
	switch e.kind {
	case exprString:
		if len(e.str) == 1 && e.str[0].interp == nil {
			// One literal: its own text and offsets, which callers
			// only read.
			p := e.str[0]
			return p.text, p.offs[: len(p.text)+1 : len(p.text)+1], true
		}
		// Sized for the literal parts.
		size := 0
		for _, p := range e.str {
			size += len(p.text)
		}
		var b strings.Builder
		b.Grow(size)
		offs := make([]int, 0, size+1)
		for _, p := range e.str {
			if p.interp == nil {
				b.WriteString(p.text)
				offs = append(offs, p.offs[:len(p.text)]...)
				continue
			}
			v, ok := t.literalDepth(p.interp, depth+1)
			if !ok {
				return "", nil, false
			}
			b.WriteString(v)
			for range len(v) {
				offs = append(offs, p.interp.start)
			}
		}
		end := e.end
		if n := len(e.str); n > 0 && e.str[n-1].interp == nil {
			last := e.str[n-1]
			end = last.offs[len(last.offs)-1]
		}
		offs = append(offs, end)
		return b.String(), offs, true
	case exprCall:
		// op.f("name"), batch_op.f("name"), conv("name") mark a name as
		// final; str("x") is x.
		if len(e.args) == 1 && len(e.kw) == 0 {
			fn := e.x
			name := ""
			if fn.kind == exprAttr {
				name = fn.name
			} else if fn.kind == exprName {
				name = fn.name
			}
			if name == "f" || name == "conv" || name == "str" {
				return t.strValueDepth(e.args[0], depth+1)
			}
		}
	}
	return "", nil, false
}

// literal evaluates e as a string, a number or a boolean, as text.
func (t *translator) literal(e *expr) (string, bool) { return t.literalDepth(e, 0) }

func (t *translator) literalDepth(e *expr, depth int) (string, bool) {
	e = t.resolve(e)
	if e == nil {
		return "", false
	}
	switch e.kind {
	case exprNumber, exprBool:
		return e.text, true
	}
	s, _, ok := t.strValueDepth(e, depth)
	return s, ok
}

// isNone reports whether e is None (or absent).
func (t *translator) isNone(e *expr) bool {
	if e == nil {
		return true
	}
	return t.resolve(e).kind == exprNone
}

// boolValue evaluates a truth value; def when absent or unreadable.
func (t *translator) boolValue(e *expr, def bool) bool {
	if e == nil {
		return def
	}
	r := t.resolve(e)
	switch r.kind {
	case exprBool:
		return r.text == "True"
	case exprNone:
		return false
	case exprNumber:
		return r.text != "0"
	case exprString:
		s, _, ok := t.strValue(r)
		if ok {
			return s != ""
		}
	}
	return def
}

// intValue evaluates an integer literal.
func (t *translator) intValue(e *expr) (int, bool) {
	r := t.resolve(e)
	if r == nil || r.kind != exprNumber {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(r.text, "_", ""))
	return n, err == nil
}

// name evaluates a required name argument (table, column, constraint);
// when it cannot, it notes why and returns the Python text, so the
// operation is still checked under a recognisable name.
func (t *translator) name(e, call *expr, what string) string {
	if e == nil {
		t.noteAt(call, call, "missing %s: alembic fails on this call", what)
		return "?"
	}
	s, _, ok := t.strValue(e)
	if !ok {
		t.noteAt(e, call, "the %s `%s` is known only when the migration runs: the operation is checked under that text", what, t.source(e))
		return t.source(e)
	}
	return s
}

// optName evaluates an optional name (schema=, constraint names that may
// be None).
func (t *translator) optName(e, call *expr, what string) string {
	if t.isNone(e) {
		return ""
	}
	return t.name(e, call, what)
}

// names evaluates a list of names (columns), or a single name.
func (t *translator) names(e, call *expr, what string) []string {
	if e == nil {
		return nil
	}
	if items, ok := t.items(e); ok {
		out := make([]string, 0, len(items))
		for _, it := range items {
			out = append(out, t.name(it, call, what))
		}
		return out
	}
	if t.resolve(e).kind == exprString {
		return []string{t.name(e, call, what)}
	}
	t.noteAt(e, call, "the %ss `%s` are known only when the migration runs", what, t.source(e))
	return []string{t.source(e)}
}

// args are the arguments of a call bound to a Python signature.
type args struct {
	call  *expr
	named []namedArg  // parameters given positionally or by keyword, and other keywords
	rest  []*expr     // the *varargs
	few   [2]namedArg // named's array when a call binds few (most do)
}

// namedArg is one bound parameter. A call binds a handful, so a list
// searched in order costs less than a map for each call.
type namedArg struct {
	name  string
	value *expr
}

func (a *args) get(name string) *expr {
	for _, n := range a.named {
		if n.name == name {
			return n.value
		}
	}
	return nil
}

// set binds name to v, replacing what it was bound to.
func (a *args) set(name string, v *expr) {
	for i := range a.named {
		if a.named[i].name == name {
			a.named[i].value = v
			return
		}
	}
	a.named = append(a.named, namedArg{name, v})
}

// bindArgs binds a call's arguments to params ("name", "*rest").
// Positional *args are expanded when they name a literal list.
func (t *translator) bindArgs(call *expr, params []string) *args {
	a := &args{call: call}
	if n := min(len(call.args), len(params)) + len(call.kw); n <= len(a.few) {
		a.named = a.few[:0]
	} else {
		a.named = make([]namedArg, 0, n)
	}
	pos := call.args
	if len(call.rare().star) > 0 {
		pos = nil
		for i, x := range call.args {
			if isStar(call, i) {
				if items, ok := t.items(x); ok {
					pos = append(pos, items...)
					continue
				}
				t.noteAt(x, call, "`*%s` is known only when the migration runs: those arguments are not checked", t.source(x))
				continue
			}
			pos = append(pos, x)
		}
	}
	if call.dstar {
		t.noteAt(call, call, "arguments passed with `**` are known only when the migration runs: they are not checked")
	}
	pi := 0
	for _, p := range params {
		if strings.HasPrefix(p, "*") {
			if pi < len(pos) {
				a.rest = pos[pi:len(pos):len(pos)] // read only: shared with the call
			}
			pi = len(pos)
			break
		}
		if pi < len(pos) {
			a.set(p, pos[pi])
			pi++
		}
	}
	if pi < len(pos) {
		t.noteAt(pos[pi], call, "more arguments than alembic's signature takes: alembic fails on this call")
	}
	for _, k := range call.kw {
		a.set(k.name, k.value)
	}
	return a
}

func isStar(call *expr, i int) bool {
	for _, s := range call.rare().star {
		if s == i {
			return true
		}
	}
	return false
}
