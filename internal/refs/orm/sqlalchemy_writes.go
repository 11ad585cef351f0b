package orm

import (
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs"
)

// How a SQLAlchemy (or SQLModel) model's inserts fill a column, read
// from its definition. The column gets a value on every insert (or the
// database fills it) when it is the primary key, has a default
// (default=, insert_default=, server_default=, default_factory=), an
// Identity() or Sequence(), or is declared NOT NULL: nullable=False, or
// no nullable= on a mapped_column / bare Mapped[X] / SQLModel field
// whose annotation is not Optional (SQLAlchemy 2.0 and SQLModel derive
// nullability from it). Otherwise the model may leave it NULL: a
// Column() is nullable unless it says otherwise, as is an Optional
// annotation or nullable=True. A nullable= the extractor cannot read
// leaves the column unknown (no entry).

// saDefaultKwargs give a column a value when the code sets none.
var saDefaultKwargs = []string{"default", "insert_default", "server_default", "default_factory"}

// saWrite says how inserts fill the column of one class attribute; ok is
// false when it cannot tell. call is the Column/mapped_column/Field call
// (nil for a bare annotation), inferNull whether nullability follows the
// annotation when nullable= is absent.
func (x *saFile) saWrite(col string, a pyAttr, call *pyCall, inferNull bool) (refs.Write, bool) {
	src := x.m.src
	line := x.f.Pos(a.off).Line
	w := refs.Write{Column: col, Line: line, Snippet: snippet(x.f, line)}
	if call == nil {
		w.Always = !optionalAnnotation(a.typ, src)
		return w, true
	}
	if isTrue(call.kwargs["primary_key"]) || setKwarg(*call, saDefaultKwargs...) {
		w.Always = true
		return w, true
	}
	for _, arg := range call.args {
		if c, ok := readCall(arg, src); ok && (lastPart(c.fn) == "Identity" || lastPart(c.fn) == "Sequence") {
			w.Always = true
			return w, true
		}
	}
	if n, ok := call.kwargs["nullable"]; ok {
		switch n.Type() {
		case "false":
			w.Always = true
		case "true":
		default:
			return refs.Write{}, false
		}
		return w, true
	}
	if inferNull && a.typ != nil {
		w.Always = !optionalAnnotation(a.typ, src)
	}
	return w, true
}

// sqlModelWrite is saWrite for a SQLModel field: `x: int`, `x: str =
// "a"`, `x: Optional[int] = None`, `x: int = Field(...)`.
func (x *saFile) sqlModelWrite(col string, a pyAttr) (refs.Write, bool) {
	src := x.m.src
	if call, ok := readCall(a.value, src); ok && lastPart(call.fn) == "Field" {
		if sa := call.kwargs["sa_column"]; sa != nil {
			if c, ok := readCall(sa, src); ok {
				return x.saWrite(col, a, &c, false)
			}
			return refs.Write{}, false
		}
		return x.saWrite(col, a, &call, true)
	}
	w, _ := x.saWrite(col, a, nil, true)
	if a.value != nil && a.value.Type() != "none" {
		w.Always = true // a plain default value
	}
	return w, true
}

// optionalAnnotation reports an annotation that admits None:
// Optional[X], X | None, Union[X, None], inside Mapped[...] or not.
func optionalAnnotation(t *sitter.Node, src []byte) bool {
	if t == nil {
		return true
	}
	s := strings.Join(strings.Fields(text(t, src)), "")
	if strings.Contains(s, "Optional[") || strings.Contains(s, "|None") || strings.Contains(s, "None|") {
		return true
	}
	return strings.Contains(s, "Union[") && strings.Contains(s, ",None")
}

// setKwarg reports whether the call passes any of the keyword arguments
// with a value other than None.
func setKwarg(call pyCall, keys ...string) bool {
	for _, k := range keys {
		if v, ok := call.kwargs[k]; ok && v.Type() != "none" {
			return true
		}
	}
	return false
}
