package orm

import (
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs"
)

// What an ActiveRecord model makes sure every insert writes. A column
// gets a value on every create when the model
//   - validates it unconditionally in a way nil fails (validates ...
//     presence:/inclusion:/numericality: without allow_nil, allow_blank,
//     if:, unless: or on: :update; validates_presence_of and friends),
//   - declares a default for it (attribute :col, default: ...),
//   - assigns it in an unconditional callback that runs before the
//     insert (before_validation, before_save, before_create,
//     after_initialize): self.col = / self.col ||= / self[:col] = /
//     write_attribute(:col, ...) at the top level of the callback's block
//     or method.
//   - belongs_to an association that is required: required: true or
//     optional: false, or neither with the app's
//     belongs_to_required_by_default (see activerecord_config.go); its
//     foreign key (and, when polymorphic, its _type column) then gets a
//     value on every create, since a nil association fails validation.
//
// Anything else (no validation, a conditional one) leaves the column
// unknown: a model that may leave it NULL.

// arCallbacks run on a new record before ActiveRecord inserts it.
var arCallbacks = map[string]bool{
	"before_validation": true, "before_save": true, "before_create": true, "after_initialize": true,
}

// arNilFailsOrder are the validators that reject nil unless allow_nil or
// allow_blank is given.
var arNilFailsOrder = []string{"presence", "inclusion", "numericality"}

// arValidatesOf are the validates_*_of forms of arNilFails.
var arValidatesOf = map[string]bool{
	"validates_presence_of": true, "validates_inclusion_of": true, "validates_numericality_of": true,
}

// arSetter is a column a method assigns at its top level.
type arSetter struct {
	column string
	off    int
}

// writesCall reads the class-body calls that decide whether inserts
// write a column; it reports whether the call was one of them.
func (w *arWalker) writesCall(st *sitter.Node, cls *arClass) bool {
	src := w.src
	if st.ChildByFieldName("receiver") != nil {
		return false
	}
	method := text(st.ChildByFieldName("method"), src)
	if method != "validates" && method != "attribute" && method != "belongs_to" && !arValidatesOf[method] && !arCallbacks[method] {
		return false
	}
	if underCondition(st) {
		return true // inside if/unless/case in the class body: not every create
	}
	args := st.ChildByFieldName("arguments")
	syms, opts := rubyArgs(args, src)
	switch {
	case method == "validates":
		if conditional(opts, src) {
			return true
		}
		for _, k := range arNilFailsOrder {
			if v, ok := opts[k]; ok && v.Type() != "false" && v.Type() != "nil" && !hashAllowsNil(v, src) {
				w.always(cls, syms, st)
				break
			}
		}
		return true
	case arValidatesOf[method]:
		if !conditional(opts, src) {
			w.always(cls, syms, st)
		}
		return true
	case method == "belongs_to":
		if b, ok := belongsTo(syms, opts, src, int(st.StartByte())); ok {
			cls.belongsTo = append(cls.belongsTo, b)
		}
		return true
	case method == "attribute":
		if v, ok := opts["default"]; ok && v.Type() != "nil" && len(syms) > 0 {
			w.always(cls, syms[:1], st)
		}
		return true
	case arCallbacks[method]:
		if conditional(opts, src) {
			return true
		}
		if blk := st.ChildByFieldName("block"); blk != nil {
			for _, s := range topSetters(blk, src) {
				w.alwaysAt(cls, s.column, s.off)
			}
		}
		cls.callbacks = append(cls.callbacks, syms...)
		return true
	}
	return false
}

// arBelongsTo is the foreign key columns of one belongs_to and whether
// it says itself that the association is required (nil: the app's
// default decides).
type arBelongsTo struct {
	name     string
	columns  []string
	required *bool
	off      int
}

// belongsTo reads `belongs_to :account` and its options: foreign_key:,
// polymorphic: (with foreign_type:), optional:, required:. An option the
// extractor cannot read as a literal (optional: -> { ... }) leaves the
// association optional; ok is false then, and for one it cannot name.
func belongsTo(syms []string, opts map[string]*sitter.Node, src []byte, off int) (arBelongsTo, bool) {
	if len(syms) == 0 {
		return arBelongsTo{}, false
	}
	b := arBelongsTo{name: syms[0], off: off}
	flag := func(key string) (v, set, ok bool) {
		n, has := opts[key]
		if !has {
			return false, false, true
		}
		switch n.Type() {
		case "true":
			return true, true, true
		case "false", "nil":
			return false, true, true
		}
		return false, true, false
	}
	opt, optSet, optOK := flag("optional")
	req, reqSet, reqOK := flag("required")
	switch {
	case !optOK || !reqOK:
		return arBelongsTo{}, false
	case optSet:
		r := !opt
		b.required = &r
	case reqSet:
		b.required = &req
	}
	fk := syms[0] + "_id"
	if s, ok := rubyLiteral(opts["foreign_key"], src); ok {
		fk = s
	} else if opts["foreign_key"] != nil {
		return arBelongsTo{}, false
	}
	b.columns = []string{fk}
	if poly, _, _ := flag("polymorphic"); poly {
		ft := syms[0] + "_type"
		if s, ok := rubyLiteral(opts["foreign_type"], src); ok {
			ft = s
		}
		b.columns = append(b.columns, ft)
	}
	return b, true
}

// underCondition reports a class-body statement nested in a condition.
func underCondition(n *sitter.Node) bool {
	for p := n.Parent(); p != nil && p.Type() != "class"; p = p.Parent() {
		switch p.Type() {
		case "if", "unless", "if_modifier", "unless_modifier", "elsif", "else", "case", "when", "conditional", "while", "until":
			return true
		}
	}
	return false
}

// method records the columns a method of the class assigns at its top
// level, for the callbacks that name it.
func (w *arWalker) method(st *sitter.Node, cls *arClass) {
	name := text(st.ChildByFieldName("name"), w.src)
	if name == "" {
		return
	}
	if cls.setters == nil {
		cls.setters = map[string][]arSetter{}
	}
	cls.setters[name] = append(cls.setters[name], topSetters(st, w.src)...)
}

func (w *arWalker) always(cls *arClass, cols []string, st *sitter.Node) {
	for _, c := range cols {
		w.alwaysAt(cls, c, int(st.StartByte()))
	}
}

func (w *arWalker) alwaysAt(cls *arClass, col string, off int) {
	line := w.f.Pos(off).Line
	cls.writes = append(cls.writes, refs.Write{Column: col, Always: true, Line: line, Snippet: snippet(w.f, line)})
}

// rubyArgs splits a call's arguments into its leading symbol or string
// literals and its keyword options (key: value and :key => value).
func rubyArgs(args *sitter.Node, src []byte) (syms []string, opts map[string]*sitter.Node) {
	opts = map[string]*sitter.Node{}
	for _, a := range namedChildren(args) {
		switch a.Type() {
		case "pair":
			addPair(opts, a, src)
		case "hash":
			for _, p := range namedChildren(a) {
				if p.Type() == "pair" {
					addPair(opts, p, src)
				}
			}
		default:
			if s, ok := rubyLiteral(a, src); ok {
				syms = append(syms, s)
			}
		}
	}
	return syms, opts
}

func addPair(opts map[string]*sitter.Node, p *sitter.Node, src []byte) {
	k := p.ChildByFieldName("key")
	key := strings.TrimSuffix(text(k, src), ":")
	if s, ok := rubyLiteral(k, src); ok {
		key = s
	}
	opts[key] = p.ChildByFieldName("value")
}

// conditional reports options that make a validation or callback skip
// some creates: if:, unless:, on: :update, allow_nil/allow_blank.
func conditional(opts map[string]*sitter.Node, src []byte) bool {
	for _, k := range []string{"if", "unless", "allow_nil", "allow_blank"} {
		if v, ok := opts[k]; ok && v.Type() != "false" && v.Type() != "nil" {
			return true
		}
	}
	if v, ok := opts["on"]; ok {
		s, lit := rubyLiteral(v, src)
		return !lit || s != "create"
	}
	return false
}

// hashAllowsNil reports a validator's own options hash that lets nil
// through or makes it conditional (inclusion: { in: [...], allow_nil: true }).
func hashAllowsNil(v *sitter.Node, src []byte) bool {
	if v.Type() != "hash" {
		return false
	}
	opts := map[string]*sitter.Node{}
	for _, p := range namedChildren(v) {
		if p.Type() == "pair" {
			addPair(opts, p, src)
		}
	}
	return conditional(opts, src)
}

// topSetters returns the columns a block or method body assigns in its
// top-level statements: self.col = v, self.col ||= v, self[:col] = v,
// write_attribute(:col, v).
func topSetters(n *sitter.Node, src []byte) []arSetter {
	var out []arSetter
	var walk func(*sitter.Node)
	walk = func(n *sitter.Node) {
		for _, st := range namedChildren(n) {
			switch st.Type() {
			case "body_statement", "block_body", "do_block", "block":
				walk(st)
			case "assignment", "operator_assignment":
				if c := selfAttr(st.ChildByFieldName("left"), src); c != "" {
					out = append(out, arSetter{c, int(st.StartByte())})
				}
			case "call":
				if st.ChildByFieldName("receiver") == nil && text(st.ChildByFieldName("method"), src) == "write_attribute" {
					if syms, _ := rubyArgs(st.ChildByFieldName("arguments"), src); len(syms) > 0 {
						out = append(out, arSetter{syms[0], int(st.StartByte())})
					}
				}
			}
		}
	}
	walk(n)
	return out
}

// selfAttr returns col for self.col and self[:col].
func selfAttr(n *sitter.Node, src []byte) string {
	if n == nil {
		return ""
	}
	switch n.Type() {
	case "call":
		if text(n.ChildByFieldName("receiver"), src) == "self" && n.ChildByFieldName("arguments") == nil {
			return text(n.ChildByFieldName("method"), src)
		}
	case "element_reference":
		if text(n.ChildByFieldName("object"), src) != "self" {
			return ""
		}
		for _, a := range namedChildren(n)[1:] {
			if s, ok := rubyLiteral(a, src); ok {
				return s
			}
		}
	}
	return ""
}

// writes returns the columns every insert through c writes: its own
// validations, defaults and callbacks, and those of its parents.
func (r *arResolver) writes(c *arClass, depth int) []refs.Write {
	var out []refs.Write
	if p := r.parent(c); p != nil && depth < 32 {
		out = r.writes(p, depth+1)
	}
	out = append(out, c.writes...)
	for _, cb := range c.callbacks {
		// The callback's method is the class's own or an ancestor's.
		k := c
		for hops := 0; k != nil && hops < 32; hops++ {
			if _, ok := k.setters[cb]; ok {
				break
			}
			k = r.parent(k)
		}
		if k == nil {
			continue
		}
		for _, s := range k.setters[cb] {
			line := k.file.Pos(s.off).Line
			out = append(out, refs.Write{Column: s.column, Always: true, Line: line, Snippet: snippet(k.file, line)})
		}
	}
	return out
}

// associationWrites adds what the belongs_to associations of c and its
// ancestors say to the writes of its validations and callbacks: a
// required one, or one whose name a presence validation names
// (validates :account, presence: true), writes its foreign key (and
// _type) on every create, at that line; any other may leave them NULL,
// at the belongs_to line, unless something else always sets them.
func (r *arResolver) associationWrites(c *arClass, ws []refs.Write) []refs.Write {
	var out, optional []refs.Write
	names := map[string]bool{}
	for k, depth := c, 0; k != nil && depth < 32; k, depth = r.parent(k), depth+1 {
		for _, b := range k.belongsTo {
			line := k.file.Pos(b.off).Line
			at := refs.Write{Line: line, Snippet: snippet(k.file, line)}
			if req := b.required; (req != nil && *req) || (req == nil && r.belongsRequired(k, 0)) {
				at.Always = true
			}
			names[b.name] = true
			for _, w := range ws {
				if w.Always && w.Column == b.name {
					at = w // the validation of the association decides
				}
			}
			for _, col := range b.columns {
				w := at
				w.Column = col
				if w.Always {
					out = append(out, w)
				} else {
					optional = append(optional, w)
				}
			}
		}
	}
	// An association's name is no column: its validation stands for the
	// foreign key above.
	out = append(slices.DeleteFunc(slices.Clone(ws), func(w refs.Write) bool { return names[w.Column] }), out...)
	for _, w := range optional {
		if _, set := (refs.Reference{Writes: out}).Fill(w.Column); !set {
			out = append(out, w)
		}
	}
	return out
}

// belongsRequired is belongs_to_required_by_default for a class: set in
// its body or an ancestor's, else the app's config.
func (r *arResolver) belongsRequired(c *arClass, depth int) bool {
	for k := c; k != nil && depth < 32; k, depth = r.parent(k), depth+1 {
		if k.belongsDefault != nil {
			return *k.belongsDefault
		}
	}
	return belongsRequiredFor(r.configs, c.file.Path)
}
