package orm

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// The attribute uses of ActiveRecord models: where a release names a
// column through a model rather than in SQL. They are evidence a person
// can follow (Usage Attribute); whether the release breaks still comes
// from the model, which loads every column. Read are
//   - query methods on a chain rooted at a model constant (or, inside the
//     model, at no receiver or self): where(col: ...), where.not(col:),
//     find_by(col:), find_or_create_by(col:), exists?(col:),
//     update_all(col:), create/new/update/upsert(col:), pluck(:col), select(:col), order(:col) and
//     order(col: :desc), group(:col), pick(:col), sum/average/
//     minimum/maximum(:col);
//   - strong parameters whose model is named: params.require(:user)
//     .permit(:col, ...) for a model User;
//   - self.col, self.col = and self[:col] in the model's instance
//     methods;
//   - the model's class-body macros that name columns: validations
//     (validates :col, validates_*_of), attribute, serialize,
//     store_accessor, attr_readonly, normalizes, encrypts,
//     alias_attribute's column, Redmine's safe_attributes.
// A chain whose model cannot be named (a local variable, an
// association) is left out: a name alone is no evidence of a table.

// arHashQuery name their columns as the keys of a hash argument.
var arHashQuery = map[string]bool{
	"where": true, "not": true, "rewhere": true, "find_by": true, "find_by!": true,
	"find_or_create_by": true, "find_or_create_by!": true, "find_or_initialize_by": true,
	"exists?": true, "update_all": true, "order": true, "reorder": true, "create_with": true,
	"create": true, "create!": true, "new": true, "update": true, "upsert": true,
}

// arSymbolQuery name their columns as symbol (or plain string) arguments.
var arSymbolQuery = map[string]bool{
	"pluck": true, "select": true, "order": true, "reorder": true, "group": true, "pick": true,
	"sum": true, "average": true, "minimum": true, "maximum": true,
}

// arMacros are class-body calls of a model that name its columns:
// validations, attribute declarations, serialization, encryption.
var arMacros = map[string]bool{
	"validates": true, "validates_presence_of": true, "validates_numericality_of": true,
	"validates_uniqueness_of": true, "validates_length_of": true, "validates_inclusion_of": true,
	"validates_format_of": true, "validates_exclusion_of": true, "validates_absence_of": true,
	"attribute": true, "serialize": true, "store_accessor": true, "attr_readonly": true,
	"normalizes": true, "encrypts": true, "safe_attributes": true, "alias_attribute": true,
}

// arRecordWrites are record methods whose hash keys name columns:
// record.update(col: v), record.assign_attributes(col: v).
var arRecordWrites = map[string]bool{
	"update": true, "update!": true, "assign_attributes": true, "update_columns": true, "attributes=": true,
}

// arAttributeMethods are record methods whose first argument names a
// column: record.update_column(:col, v), record.increment!(:col).
var arAttributeMethods = map[string]bool{
	"read_attribute": true, "write_attribute": true, "update_column": true, "update_attribute": true,
	"increment": true, "increment!": true, "decrement": true, "decrement!": true, "toggle": true, "toggle!": true,
	"attribute_changed?": true, "saved_change_to_attribute?": true, "will_save_change_to_attribute?": true,
}

// usesRelevant is a cheap test for Ruby files that may hold an attribute
// use worth parsing for.
func usesRelevant(f *source.File) bool {
	for _, k := range [][]byte{[]byte("where"), []byte("find_by"), []byte("pluck"), []byte("permit"), []byte("self."), []byte("self["), []byte("order("), []byte("select(")} {
		if bytes.Contains(f.Text, k) {
			return true
		}
	}
	return false
}

// usesWalker finds the attribute uses in one file.
type usesWalker struct {
	r   *arResolver
	f   *source.File
	src []byte
	out []refs.Reference
	// declared are the columns the models' class-body macros name
	// (validates :col, serialize :col): they make the column known to
	// the loose uses, but are not indexed themselves.
	declared []refs.Reference
}

// attributeUses returns the attribute uses of one file and the columns
// its models declare.
func (r *arResolver) attributeUses(f *source.File, tree *sitter.Tree) (uses, declared []refs.Reference) {
	w := &usesWalker{r: r, f: f, src: f.Text}
	w.walk(tree.RootNode(), nil, nil, false)
	return w.out, w.declared
}

// walk visits n; scope is the lexical namespace, cls the model class
// whose body n is in (nil outside one), inMethod whether n is in one of
// its instance methods (where self is a record, not the class).
func (w *usesWalker) walk(n *sitter.Node, scope []string, cls *arClass, inMethod bool) {
	switch n.Type() {
	case "module":
		if name := rubyConstPath(n.ChildByFieldName("name"), w.src); name != "" {
			scope = append(append([]string(nil), scope...), joinConst(scope, name))
		}
	case "class":
		inMethod = false
		if name := rubyConstPath(n.ChildByFieldName("name"), w.src); name != "" {
			full := joinConst(scope, name)
			scope = append(append([]string(nil), scope...), full)
			cls = nil
			if c := w.r.classes[full]; c != nil && w.model(c) {
				cls = c
			}
		}
	case "method":
		inMethod = cls != nil
	case "singleton_method", "singleton_class":
		inMethod = false
	case "call":
		w.call(n, scope, cls, inMethod)
	case "element_reference":
		if inMethod {
			if col := selfAttr(n, w.src); col != "" {
				w.emit(cls, col, n)
			}
		}
	}
	for _, c := range namedChildren(n) {
		w.walk(c, scope, cls, inMethod)
	}
}

func (w *usesWalker) model(c *arClass) bool {
	k := w.r.kind(c)
	return k == arBase || k == arSTI
}

func (w *usesWalker) call(n *sitter.Node, scope []string, cls *arClass, inMethod bool) {
	src := w.src
	method := text(n.ChildByFieldName("method"), src)
	recv := n.ChildByFieldName("receiver")
	args := n.ChildByFieldName("arguments")
	if method == "permit" {
		if c := w.permitModel(recv, scope); c != nil {
			syms, _ := rubyArgs(args, src)
			for _, s := range syms {
				w.emit(c, s, n)
			}
			for _, p := range namedChildren(args) {
				if p.Type() == "pair" { // tags: [] permits an array attribute
					if s, ok := pairKey(p, src); ok {
						w.emit(c, s, n)
					}
				}
			}
		}
		return
	}
	if inMethod && recv != nil && recv.Type() == "self" && args == nil && !arHashQuery[method] && !arSymbolQuery[method] {
		if col := selfAttr(n, src); col != "" {
			w.emit(cls, col, n)
		}
		return
	}
	if cls != nil && !inMethod && recv == nil && arMacros[method] {
		syms, _ := rubyArgs(args, src)
		if method == "alias_attribute" && len(syms) == 2 {
			syms = syms[1:] // alias_attribute :new_name, :column
		}
		if table, sure := w.r.table(cls); sure {
			for _, s := range syms {
				w.declared = append(w.declared, refs.Reference{Table: table, Column: s, Usage: refs.Attribute})
			}
		}
		return
	}
	if !arHashQuery[method] && !arSymbolQuery[method] {
		return
	}
	c := w.chainModel(recv, scope, cls)
	if c == nil {
		return
	}
	for _, a := range namedChildren(args) {
		switch a.Type() {
		case "pair":
			if arHashQuery[method] {
				if s, ok := pairKey(a, src); ok {
					w.emit(c, s, n)
				}
			}
		case "hash":
			if arHashQuery[method] {
				for _, p := range namedChildren(a) {
					if s, ok := pairKey(p, src); ok && p.Type() == "pair" {
						w.emit(c, s, n)
					}
				}
			}
		case "simple_symbol":
			if arSymbolQuery[method] {
				s, _ := rubyLiteral(a, src)
				w.emit(c, s, n)
			}
		case "string":
			// select("col") and order("col"): a bare column name only,
			// not SQL fragments ("created_at DESC", "count(*)").
			if s, ok := rubyLiteral(a, src); ok && arSymbolQuery[method] && isRubyIdent(s) {
				w.emit(c, s, n)
			}
		}
	}
}

// pairKey returns the key of key: value or :key => value.
func pairKey(p *sitter.Node, src []byte) (string, bool) {
	k := p.ChildByFieldName("key")
	if k == nil {
		return "", false
	}
	if k.Type() == "hash_key_symbol" {
		return text(k, src), true
	}
	return rubyLiteral(k, src)
}

func isRubyIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return !isDigit(s[0])
}

// chainModel returns the model a query chain starts from: a model
// constant, or the enclosing model for no receiver or self.
func (w *usesWalker) chainModel(recv *sitter.Node, scope []string, cls *arClass) *arClass {
	for recv != nil {
		switch recv.Type() {
		case "constant", "scope_resolution":
			name := rubyConstPath(recv, w.src)
			full := lookupConst(w.r.classes, name, scope)
			if c := w.r.classes[full]; c != nil && w.model(c) {
				return c
			}
			return nil
		case "self":
			return cls
		case "call":
			recv = recv.ChildByFieldName("receiver")
			if recv == nil {
				return cls // a scope called inside the model: active.where(...)
			}
		case "identifier":
			// Inside a model a bare name is its own scope or relation
			// (where.not, active.where); elsewhere a local variable.
			return cls
		default:
			return nil
		}
	}
	return cls
}

// permitModel returns the model of params.require(:name).permit(...).
func (w *usesWalker) permitModel(recv *sitter.Node, scope []string) *arClass {
	if recv == nil || recv.Type() != "call" || text(recv.ChildByFieldName("method"), w.src) != "require" {
		return nil
	}
	syms, _ := rubyArgs(recv.ChildByFieldName("arguments"), w.src)
	if len(syms) != 1 {
		return nil
	}
	return w.r.modelNamed(syms[0])
}

// modelNamed returns the one model whose demodulized class name
// underscores to name (params.require(:line_item) -> LineItem).
func (r *arResolver) modelNamed(name string) *arClass {
	var found *arClass
	for full, c := range r.classes {
		if r.infl.Underscore(inflect.Demodulize(full)) != name {
			continue
		}
		if k := r.kind(c); k != arBase && k != arSTI {
			continue
		}
		if found != nil {
			return nil // ambiguous: Admin::User and User
		}
		found = c
	}
	return found
}

func (w *usesWalker) emit(c *arClass, col string, at *sitter.Node) {
	if col == "" || strings.ContainsAny(col, " .()") {
		return
	}
	table, sure := w.r.table(c)
	if !sure {
		return
	}
	w.out = append(w.out, columnRef(w.f, refs.ActiveRecord, int(at.StartByte()), table, col, refs.Attribute, refs.Resolved))
}

// The loose uses: record.col (and record.col =, record.col?,
// record.update_column(:col, ...), record.update(col: ...)) on a value whose model is unknown (a
// local, an instance variable, a method's result). A name alone is no
// evidence of a table, so such a call counts only when the project knows
// col as a column of a model (a query, a permit, a validation or another
// class-body macro of that model names it) and col is not a method
// every object has. The use is evidence, never certainty: Certainty
// NameOnly for the one model that knows the column, Ambiguous for each
// of several. A file that names some of those models narrows them down.

// rubyCommonMethods are methods common enough on any Ruby or Rails value
// that record.name proves nothing about a column of that name.
var rubyCommonMethods = map[string]bool{
	"id": true, "name": true, "type": true, "class": true, "hash": true, "key": true, "value": true,
	"to_s": true, "to_i": true, "to_f": true, "to_a": true, "to_h": true, "to_sym": true, "to_json": true,
	"to_param": true, "inspect": true, "size": true, "count": true, "length": true, "first": true,
	"last": true, "all": true, "save": true, "destroy": true, "delete": true, "reload": true,
	"update": true, "errors": true, "attributes": true, "keys": true, "values": true, "each": true,
	"map": true, "select": true, "strip": true, "downcase": true, "upcase": true, "presence": true,
	"dup": true, "clone": true, "freeze": true, "tap": true, "then": true, "send": true, "new": true,
	"params": true, "request": true, "response": true, "session": true, "path": true, "url": true,
}

// rubyRequestValues are the values of a controller that are no record:
// response.body and request.status name no column.
var rubyRequestValues = map[string]bool{
	"request": true, "response": true, "params": true, "session": true, "flash": true, "cookies": true,
	"headers": true, "env": true, "config": true, "options": true, "opts": true, "args": true,
}

// reAttrAfterDot finds the names that follow a dot (Ruby calls, Python
// attributes), to pick the files worth parsing for loose uses.
var reAttrAfterDot = regexp.MustCompile(`[\w@)\]]&?\.([a-z_][a-zA-Z0-9_]*)`)

// knownColumns returns, for each column name, the tables whose models
// the project is seen to use it with: their attribute uses and the
// columns their validations and defaults write.
func knownColumns(out []refs.Reference) map[string][]string {
	known := map[string][]string{}
	add := func(col, table string) {
		if col != "" && !slices.Contains(known[col], table) {
			known[col] = append(known[col], table)
		}
	}
	for _, ref := range out {
		table := ref.Table
		if ref.Schema != "" {
			table = ref.Schema + "." + table
		}
		switch ref.Usage {
		case refs.Attribute:
			add(ref.Column, table)
		case refs.Model:
			for _, w := range ref.Writes {
				add(w.Column, table)
			}
		}
	}
	return known
}

// looseUses finds the loose uses in files, given the trees already parsed
// (parsing the others only when a known column follows a dot) and the
// references found so far (with the columns the models declare).
func (r *arResolver) looseUses(files []*source.File, parsed map[*source.File]*sitter.Tree, found []refs.Reference) []refs.Reference {
	known := knownColumns(found)
	for col := range known {
		if rubyCommonMethods[col] {
			delete(known, col)
		}
	}
	if len(known) == 0 {
		return nil
	}
	var out []refs.Reference
	for _, f := range files {
		if isInflectionsFile(f.Path) || !mentionsKnown(f.Text, known) {
			continue
		}
		tree, own := parsed[f], false
		if tree == nil {
			code := f.Text
			if isERB(f.Path) {
				code = rubyOfERB(f.Text)
			}
			var err error
			if tree, err = parseRuby(f.Path, code); err != nil {
				continue // reported by the model pass or of no consequence
			}
			own = true
		}
		w := &looseWalker{r: r, f: f, known: known, named: r.modelsNamed(tree.RootNode(), f.Text)}
		walk(tree.RootNode(), func(n *sitter.Node) bool {
			if n.Type() == "call" {
				w.call(n)
			}
			return true
		})
		out = append(out, w.out...)
		if own {
			tree.Close()
		}
	}
	return out
}

func mentionsKnown(src []byte, known map[string][]string) bool {
	for _, m := range reAttrAfterDot.FindAllSubmatch(src, -1) {
		if _, ok := known[string(m[1])]; ok {
			return true
		}
	}
	return false
}

// modelsNamed returns the tables of the models a file names by constant.
func (r *arResolver) modelsNamed(root *sitter.Node, src []byte) map[string]bool {
	named := map[string]bool{}
	var visit func(n *sitter.Node)
	visit = func(n *sitter.Node) {
		if t := n.Type(); t == "constant" || t == "scope_resolution" {
			if c := r.classes[lookupConst(r.classes, rubyConstPath(n, src), nil)]; c != nil {
				if k := r.kind(c); k == arBase || k == arSTI {
					if table, sure := r.table(c); sure {
						named[table] = true
					}
				}
			}
			if t == "scope_resolution" {
				return
			}
		}
		for _, c := range namedChildren(n) {
			visit(c)
		}
	}
	visit(root)
	return named
}

type looseWalker struct {
	r     *arResolver
	f     *source.File
	known map[string][]string
	named map[string]bool
	out   []refs.Reference
}

func (w *looseWalker) call(n *sitter.Node) {
	recv := n.ChildByFieldName("receiver")
	if recv == nil || n.ChildByFieldName("block") != nil {
		return
	}
	switch recv.Type() {
	case "identifier":
		if rubyRequestValues[text(recv, w.f.Text)] {
			return
		}
	case "instance_variable", "class_variable", "call", "element_reference", "parenthesized_statements":
	default:
		return // a constant's class method, self (read with the model), a literal
	}
	method := text(n.ChildByFieldName("method"), w.f.Text)
	args := namedChildren(n.ChildByFieldName("arguments"))
	switch {
	case n.ChildByFieldName("arguments") == nil:
		w.emit(strings.TrimSuffix(method, "?"), n.ChildByFieldName("method"))
	case arAttributeMethods[method] && len(args) > 0:
		// record.update_column(:col, ...) and its kind.
		if s, ok := rubyLiteral(args[0], w.f.Text); ok {
			w.emit(s, args[0])
		}
	case arRecordWrites[method]:
		// record.update(col: ...): the hash keys.
		for _, a := range args {
			pairs := []*sitter.Node{a}
			if a.Type() == "hash" {
				pairs = namedChildren(a)
			}
			for _, p := range pairs {
				if p.Type() != "pair" {
					continue
				}
				if s, ok := pairKey(p, w.f.Text); ok {
					w.emit(s, p)
				}
			}
		}
	}
}

// emit records a use of col, at, for each model that may be meant.
func (w *looseWalker) emit(col string, at *sitter.Node) {
	tables, certainty := narrowByFile(w.known[col], w.named)
	for _, t := range tables {
		w.out = append(w.out, columnRef(w.f, refs.ActiveRecord, int(at.StartByte()), t, col, refs.Attribute, certainty))
	}
}

// narrowByFile keeps, of the models that have a column, those the file
// names when it names any, and says how sure a use by name is of them:
// NameOnly for one, Ambiguous for each of several.
func narrowByFile(candidates []string, named map[string]bool) ([]string, refs.Certainty) {
	var inFile []string
	for _, c := range candidates {
		if named[c] {
			inFile = append(inFile, c)
		}
	}
	if len(inFile) > 0 {
		candidates = inFile
	}
	if len(candidates) > 1 {
		return candidates, refs.Ambiguous
	}
	return candidates, refs.NameOnly
}

func isERB(p string) bool { return strings.HasSuffix(p, ".erb") }

// rubyOfERB is the Ruby of an ERB template at the same byte offsets: the
// code inside <% %> and <%= %> kept, each tag ended with a semicolon,
// comments (<%# %>) and the template text blanked, newlines kept.
func rubyOfERB(src []byte) []byte {
	out := make([]byte, len(src))
	for i, c := range src {
		if c == '\n' {
			out[i] = '\n'
		} else {
			out[i] = ' '
		}
	}
	for i := 0; i < len(src); {
		j := bytes.Index(src[i:], []byte("<%"))
		if j < 0 {
			break
		}
		start := i + j + 2
		comment := start < len(src) && src[start] == '#'
		for start < len(src) && (src[start] == '=' || src[start] == '-') {
			start++
		}
		end := len(src)
		if k := bytes.Index(src[start:], []byte("%>")); k >= 0 {
			end = start + k
		}
		if !comment {
			code := end
			if code > start && src[code-1] == '-' {
				code-- // -%> trims the newline
			}
			copy(out[start:code], src[start:code])
		}
		if end < len(src) {
			out[end] = ';'
		}
		i = end + 2
	}
	return out
}
