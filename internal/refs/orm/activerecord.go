package orm

import (
	"bytes"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// ConstPrefix marks an ignored_columns entry that names a Ruby constant
// the extractor could not resolve ("@const:Foo::IGNORED"): it is defined
// in a file that was not part of the extraction. ExtractFiles resolves
// constants across all the files it is given.
const ConstPrefix = "@const:"

// ActiveRecord extracts one reference per ActiveRecord model class:
// Usage Model, no Columns (ActiveRecord loads every column its table
// has), Ignored = the model's ignored_columns.
//
// The table follows Rails' compute_table_name: self.table_name when
// set; else table_name_prefix + the demodulized class name, underscored
// and pluralized with the inflections + table_name_suffix. The prefix
// comes from the innermost enclosing module that defines
// self.table_name_prefix, else from the class (or its superclasses);
// it is "" by default, so Admin::User maps to "users". A class nested
// in a (non-abstract) model class is prefixed with that model's
// singular table name (Post::Comment -> "post_comments").
//
// A class is a model when it inherits from ActiveRecord::Base,
// ApplicationRecord, any class whose name ends in "Record" (the abstract
// bases Rails apps define: Ci::ApplicationRecord, PrimaryRecord), a name
// listed in AbstractBases, or another model. Inheriting from a
// non-abstract model is single-table inheritance: the subclass shares
// its parent's table and inherits its ignored_columns. A parent defined
// in another file is assumed to be a model when the class lives in a
// models directory and the parent's name is not an obvious non-model
// (errors, structs, jobs, ...); its table is then derived from its name.
// Abstract classes (self.abstract_class = true) emit nothing.
//
// Extract sees one file, so STI parents, namespace prefixes and
// constants defined elsewhere are inferred or left as ConstPrefix
// entries; ExtractFiles resolves them across files.
type ActiveRecord struct {
	// Inflections used to pluralize class names; nil means Rails'
	// defaults. Read an app's config/initializers/inflections.rb with
	// ParseInflections.
	Inflections *inflect.Inflections
	// AbstractBases names extra abstract base classes defined outside
	// the extracted files (e.g. "Gitlab::Database::SharedModel").
	AbstractBases []string
}

// NewActiveRecord returns an ActiveRecord extractor using infl (nil:
// Rails' default inflections).
func NewActiveRecord(infl *inflect.Inflections) *ActiveRecord {
	return &ActiveRecord{Inflections: infl}
}

// Name implements refs.Extractor.
func (a *ActiveRecord) Name() string { return string(refs.ActiveRecord) }

// inflectionsFile is where Rails apps define their inflections.
const inflectionsFile = "config/initializers/inflections.rb"

func isInflectionsFile(p string) bool {
	p = strings.ReplaceAll(p, `\`, "/")
	return p == inflectionsFile || strings.HasSuffix(p, "/"+inflectionsFile)
}

// Match reads Ruby files outside tests, migrations, db/ and config/,
// and, for ExtractFiles, the app's inflections initializer, the config
// files that set belongs_to_required_by_default and ERB views (for the
// attribute uses in their Ruby).
func (a *ActiveRecord) Match(p string) bool {
	if isERB(p) {
		return !excludedDir(p) // views, for the loose uses
	}
	if !strings.HasSuffix(p, ".rb") || excludedDir(p) {
		return false
	}
	if isInflectionsFile(p) || arConfigFile(p) {
		return true
	}
	return !inDir(p, "db", "config")
}

// Extract implements refs.Extractor for one file. The inflections
// initializer defines no models: alone it yields nothing.
func (a *ActiveRecord) Extract(p string, src []byte) ([]refs.Reference, error) {
	if isInflectionsFile(p) || arConfigFile(p) || !bytes.Contains(src, []byte("class")) {
		return nil, nil
	}
	return a.ExtractFiles([]*source.File{source.NewFile(p, src)})
}

// ExtractFiles extracts the models of several files together, so that
// STI parents, table_name_prefix modules and ignored_columns constants
// defined in one file are resolved in another. When a.Inflections is nil
// and config/initializers/inflections.rb is among the files, its rules
// are used. Files that do not parse (and inflection rules that cannot be
// read) are skipped; the first such error is returned with the
// references of the rest.
func (a *ActiveRecord) ExtractFiles(files []*source.File) ([]refs.Reference, error) {
	var firstErr error
	if a.Inflections == nil {
		for _, f := range files {
			if isInflectionsFile(f.Path) {
				in, err := ParseInflections(f.Path, f.Text)
				firstErr = err
				a = &ActiveRecord{Inflections: in, AbstractBases: a.AbstractBases}
				break
			}
		}
	}
	r := &arResolver{
		a:         a,
		infl:      a.Inflections,
		classes:   map[string]*arClass{},
		modPrefix: map[string]string{},
		consts:    map[string]*arConst{},
		kinds:     map[*arClass]arKind{},
		configs:   readARConfig(files),
	}
	if r.infl == nil {
		r.infl = inflect.Default()
	}
	// Parsing dominates; it runs in parallel over the files that can
	// matter, the walk that fills the shared tables runs in order.
	var relevant []*source.File
	var forModels []bool
	for _, f := range files {
		if arConfigFile(f.Path) && !isInflectionsFile(f.Path) {
			continue
		}
		if isERB(f.Path) {
			continue // a view defines no model; its loose uses are read below
		}
		m := mayMatterToModels(f)
		if m || usesRelevant(f) {
			relevant = append(relevant, f)
			forModels = append(forModels, m)
		}
	}
	trees := make([]*sitter.Tree, len(relevant))
	errs := make([]error, len(relevant))
	parallel(len(relevant), func(i int) {
		trees[i], errs[i] = parseRuby(relevant[i].Path, relevant[i].Text)
	})
	var all []*arClass
	for i, f := range relevant {
		if errs[i] != nil {
			if firstErr == nil {
				firstErr = errs[i]
			}
			continue
		}
		if forModels[i] {
			all = append(all, r.collectTree(f, trees[i])...)
		}
	}
	var out []refs.Reference
	for _, c := range all {
		if ref, ok := r.reference(c); ok {
			out = append(out, ref)
		}
	}
	// Attribute uses need every model known first, loose uses the
	// columns those name.
	parsed := map[*source.File]*sitter.Tree{}
	var declared []refs.Reference
	for i, f := range relevant {
		if errs[i] != nil {
			continue
		}
		uses, decl := r.attributeUses(f, trees[i])
		out, declared = append(out, uses...), append(declared, decl...)
		parsed[f] = trees[i]
	}
	out = append(out, r.looseUses(files, parsed, append(declared, out...))...)
	for _, t := range parsed {
		t.Close()
	}
	return out, firstErr
}

// arClass is one `class X < Y` definition.
type arClass struct {
	name      string   // full constant path
	scope     []string // enclosing namespaces, outermost first, full paths
	super     string   // superclass constant path as written ("" if none)
	superTop  bool     // written with a leading "::": looked up at top level only
	hasSuper  bool     // has a superclass, even a non-constant one
	file      *source.File
	off       int // byte offset of the class keyword
	modelsDir bool

	tableName   *arValue
	prefix      *arValue
	suffix      *arValue
	abstract    bool
	noPluralize bool
	ignoreOps   []arIgnoreOp
	parentCls   *arClass

	writes    []refs.Write          // columns its validations and defaults make sure of
	callbacks []string              // methods run before an insert
	setters   map[string][]arSetter // columns each method assigns
	belongsTo []arBelongsTo         // foreign keys of its belongs_to associations
	// belongsDefault is self.belongs_to_required_by_default = ... in the
	// class body (nil: not set here).
	belongsDefault *bool
}

type arValue struct {
	s  string
	ok bool // false: set, but not to a literal
}

type arIgnoreOp struct {
	replace bool // = (else +=, <<, ignore_column)
	items   []arItem
}

// arItem is a literal column or a constant to expand.
type arItem struct {
	lit   string
	konst string   // constant path as written
	scope []string // lexical scope of the reference
}

type arConst struct {
	items []arItem
}

type arKind int

const (
	arUnknown arKind = iota
	arNotModel
	arAbstract
	arBase // has its own table
	arSTI  // shares its parent's table
)

type arResolver struct {
	a         *ActiveRecord
	infl      *inflect.Inflections
	classes   map[string]*arClass
	modPrefix map[string]string
	consts    map[string]*arConst
	kinds     map[*arClass]arKind
	visiting  map[string]bool
	configs   map[string]*arAppConfig // per app root, for belongs_to
}

// collectTree walks one file, recording classes, module prefixes and
// constants.
func (r *arResolver) collectTree(f *source.File, tree *sitter.Tree) []*arClass {
	w := &arWalker{r: r, f: f, src: f.Text, modelsDir: inModelsDir(f.Path)}
	w.body(tree.RootNode(), nil, nil)
	return w.classes
}

// reConstList matches a constant assigned a list literal, which an
// ignored_columns elsewhere may name.
var reConstList = regexp.MustCompile(`(?m)^\s*[A-Z][A-Za-z0-9_]*\s*=\s*(%[wiWI]|\[)`)

// mayMatterToModels is a cheap test that skips the Ruby files that cannot
// define a model, a model's base, a table name prefix or a column list
// constant: most of an app's Ruby (controllers, jobs, services) is not
// parsed for ActiveRecord at all.
func mayMatterToModels(f *source.File) bool {
	if inModelsDir(f.Path) || isInflectionsFile(f.Path) {
		return true
	}
	for _, k := range [][]byte{[]byte("Record"), []byte("ignored_columns"), []byte("ignore_column"), []byte("table_name"), []byte("abstract_class")} {
		if bytes.Contains(f.Text, k) {
			return true
		}
	}
	return reConstList.Match(f.Text)
}

type arWalker struct {
	r         *arResolver
	f         *source.File
	src       []byte
	modelsDir bool
	classes   []*arClass
}

func joinConst(scope []string, name string) string {
	if len(scope) == 0 {
		return name
	}
	return scope[len(scope)-1] + "::" + name
}

// body walks the statements of a program, module or class body. cls is
// the class whose body this is (nil for modules and the program).
func (w *arWalker) body(n *sitter.Node, scope []string, cls *arClass) {
	for _, st := range namedChildren(n) {
		w.statement(st, scope, cls)
	}
}

func (w *arWalker) statement(st *sitter.Node, scope []string, cls *arClass) {
	src := w.src
	switch st.Type() {
	case "module":
		name := rubyConstPath(st.ChildByFieldName("name"), src)
		if name == "" {
			return
		}
		full := joinConst(scope, name)
		inner := append(append([]string(nil), scope...), full)
		if b := st.ChildByFieldName("body"); b != nil {
			w.body(b, inner, nil)
		}
	case "class":
		w.class(st, scope)
	case "singleton_method":
		if text(st.ChildByFieldName("object"), src) != "self" {
			return
		}
		w.readerMethod(st, scope, cls)
	case "singleton_class":
		// class << self; def table_name; "x"; end; end
		if text(st.ChildByFieldName("value"), src) != "self" {
			return
		}
		for _, m := range namedChildren(st.ChildByFieldName("body")) {
			if m.Type() == "method" {
				w.readerMethod(m, scope, cls)
			}
		}
	case "assignment":
		w.assignment(st, scope, cls)
	case "operator_assignment":
		if cls == nil || !isIgnoredColumnsReader(st.ChildByFieldName("left"), src, true) {
			return
		}
		switch text(st.ChildByFieldName("operator"), src) {
		case "+=", "|=":
			items, _ := w.items(st.ChildByFieldName("right"), scope)
			cls.ignoreOps = append(cls.ignoreOps, arIgnoreOp{items: items})
		}
	case "binary":
		// self.ignored_columns << "a"
		if cls == nil || text(st.ChildByFieldName("operator"), src) != "<<" ||
			!isIgnoredColumnsReader(st.ChildByFieldName("left"), src, false) {
			return
		}
		items, _ := w.items(st.ChildByFieldName("right"), scope)
		cls.ignoreOps = append(cls.ignoreOps, arIgnoreOp{items: items})
	case "call":
		if cls != nil && !w.writesCall(st, cls) {
			w.call(st, scope, cls)
		}
	case "method":
		if cls != nil {
			w.method(st, cls)
		}
	case "identifier":
		// Rails 7's `primary_abstract_class` marks ApplicationRecord
		// abstract, like self.abstract_class = true.
		if cls != nil && text(st, src) == "primary_abstract_class" {
			cls.abstract = true
		}
	case "if_modifier", "unless_modifier":
		// `self.ignored_columns += %w[a] if Feature.enabled?`: counted.
		if b := st.ChildByFieldName("body"); b != nil {
			w.statement(b, scope, cls)
		}
	case "ERROR":
		// Tree-sitter wraps what it could not parse; what it did parse
		// inside still counts.
		for _, c := range namedChildren(st) {
			w.statement(c, scope, cls)
		}
	case "if", "unless", "elsif", "then", "else", "begin", "body_statement", "parenthesized_statements":
		for _, c := range namedChildren(st) {
			if isBlockLike(c.Type()) || isStatement(c) {
				w.statement(c, scope, cls)
			}
		}
	}
}

func isBlockLike(t string) bool {
	switch t {
	case "then", "else", "elsif", "body_statement", "begin":
		return true
	}
	return false
}

func isStatement(n *sitter.Node) bool {
	switch n.Type() {
	case "assignment", "operator_assignment", "binary", "call", "identifier", "if_modifier", "unless_modifier",
		"class", "module", "singleton_method", "singleton_class":
		return true
	}
	return false
}

func (w *arWalker) class(st *sitter.Node, scope []string) {
	src := w.src
	name := rubyConstPath(st.ChildByFieldName("name"), src)
	if name == "" {
		return
	}
	full := joinConst(scope, name)
	c := &arClass{
		name:      full,
		scope:     append([]string(nil), scope...),
		file:      w.f,
		off:       int(st.StartByte()),
		modelsDir: w.modelsDir,
	}
	if sup := st.ChildByFieldName("superclass"); sup != nil {
		c.hasSuper = true
		for _, n := range namedChildren(sup) {
			c.super = rubyConstPath(n, src)
			c.superTop = strings.HasPrefix(text(n, src), "::")
		}
	}
	if c.hasSuper {
		w.classes = append(w.classes, c)
		if _, dup := w.r.classes[full]; !dup {
			w.r.classes[full] = c
		}
	}
	inner := append(append([]string(nil), scope...), full)
	if b := st.ChildByFieldName("body"); b != nil {
		w.body(b, inner, c)
	}
}

// readerMethod reads `def self.table_name; "x"; end` (and the prefix and
// suffix forms) for classes and modules.
func (w *arWalker) readerMethod(m *sitter.Node, scope []string, cls *arClass) {
	name := text(m.ChildByFieldName("name"), w.src)
	switch name {
	case "table_name", "table_name_prefix", "table_name_suffix":
	default:
		return
	}
	v := lastValue(m.ChildByFieldName("body"), w.src)
	if cls == nil {
		if name == "table_name_prefix" && len(scope) > 0 && v.ok {
			w.r.modPrefix[scope[len(scope)-1]] = v.s
		}
		return
	}
	cls.set(name, v)
}

// lastValue returns the literal a method body ends with.
func lastValue(body *sitter.Node, src []byte) arValue {
	if body == nil {
		return arValue{}
	}
	if body.Type() != "body_statement" {
		s, ok := rubyLiteral(body, src)
		return arValue{s, ok}
	}
	kids := namedChildren(body)
	if len(kids) == 0 {
		return arValue{}
	}
	s, ok := rubyLiteral(kids[len(kids)-1], src)
	return arValue{s, ok}
}

func (c *arClass) set(attr string, v arValue) {
	switch attr {
	case "table_name":
		c.tableName = &v
	case "table_name_prefix":
		c.prefix = &v
	case "table_name_suffix":
		c.suffix = &v
	}
}

func (w *arWalker) assignment(st *sitter.Node, scope []string, cls *arClass) {
	src := w.src
	left, right := st.ChildByFieldName("left"), st.ChildByFieldName("right")
	if left == nil || right == nil {
		return
	}
	if left.Type() == "constant" {
		items, _ := w.items(right, scope)
		w.r.consts[joinConst(scope, text(left, src))] = &arConst{items: items}
		return
	}
	if cls == nil || left.Type() != "call" || text(left.ChildByFieldName("receiver"), src) != "self" {
		return
	}
	switch attr := text(left.ChildByFieldName("method"), src); attr {
	case "table_name", "table_name_prefix", "table_name_suffix":
		s, ok := rubyLiteral(right, src)
		cls.set(attr, arValue{s, ok})
	case "abstract_class":
		cls.abstract = right.Type() == "true"
	case "pluralize_table_names":
		cls.noPluralize = right.Type() == "false"
	case "belongs_to_required_by_default":
		if t := right.Type(); t == "true" || t == "false" {
			v := t == "true"
			cls.belongsDefault = &v
		}
	case "ignored_columns":
		items, inherits := w.items(right, scope)
		cls.ignoreOps = append(cls.ignoreOps, arIgnoreOp{replace: !inherits, items: items})
	}
}

// call handles GitLab's ignore_column(s) and ignored_columns.push/concat.
func (w *arWalker) call(st *sitter.Node, scope []string, cls *arClass) {
	src := w.src
	recv := st.ChildByFieldName("receiver")
	method := text(st.ChildByFieldName("method"), src)
	args := st.ChildByFieldName("arguments")
	switch {
	case (method == "ignore_column" || method == "ignore_columns") && (recv == nil || text(recv, src) == "self"):
	case (method == "push" || method == "concat" || method == "append") && isIgnoredColumnsReader(recv, src, false):
	default:
		return
	}
	var items []arItem
	for _, a := range namedChildren(args) {
		if a.Type() == "pair" || a.Type() == "block_argument" {
			continue
		}
		it, _ := w.items(a, scope)
		items = append(items, it...)
	}
	cls.ignoreOps = append(cls.ignoreOps, arIgnoreOp{items: items})
}

// isIgnoredColumnsReader matches self.ignored_columns (and a bare
// ignored_columns call unless selfOnly: a bare name on the left of =
// would be a local variable).
func isIgnoredColumnsReader(n *sitter.Node, src []byte, selfOnly bool) bool {
	if n == nil {
		return false
	}
	switch n.Type() {
	case "call":
		return text(n.ChildByFieldName("receiver"), src) == "self" &&
			text(n.ChildByFieldName("method"), src) == "ignored_columns" && n.ChildByFieldName("arguments") == nil
	case "identifier":
		return !selfOnly && text(n, src) == "ignored_columns"
	}
	return false
}

// items evaluates a column-list expression: array literals, %w[] and
// %i[], single strings and symbols, constants, `a + b`, `a | b` and
// `.freeze`-like calls. inherits reports that the expression includes
// the current ignored_columns (self.ignored_columns + [...], super).
func (w *arWalker) items(n *sitter.Node, scope []string) (items []arItem, inherits bool) {
	if n == nil {
		return nil, false
	}
	src := w.src
	switch n.Type() {
	case "array", "string_array", "symbol_array", "argument_list":
		for _, e := range namedChildren(n) {
			it, inh := w.items(e, scope)
			items = append(items, it...)
			inherits = inherits || inh
		}
		return items, inherits
	case "splat_argument", "parenthesized_statements":
		for _, e := range namedChildren(n) {
			it, inh := w.items(e, scope)
			items = append(items, it...)
			inherits = inherits || inh
		}
		return items, inherits
	case "binary":
		switch text(n.ChildByFieldName("operator"), src) {
		case "+", "|":
			l, li := w.items(n.ChildByFieldName("left"), scope)
			r, ri := w.items(n.ChildByFieldName("right"), scope)
			return append(l, r...), li || ri
		}
		return nil, false
	case "constant", "scope_resolution":
		if name := rubyConstPath(n, src); name != "" {
			return []arItem{{konst: name, scope: scope}}, false
		}
		return nil, false
	case "call":
		if isIgnoredColumnsReader(n, src, false) {
			return nil, true
		}
		switch text(n.ChildByFieldName("method"), src) {
		case "freeze", "dup", "to_a", "uniq", "flatten", "compact", "map", "sort":
			return w.items(n.ChildByFieldName("receiver"), scope)
		}
		return nil, false
	case "identifier":
		return nil, text(n, src) == "ignored_columns"
	case "super":
		return nil, true
	}
	if s, ok := rubyLiteral(n, src); ok {
		return []arItem{{lit: s}}, false
	}
	return nil, false
}
