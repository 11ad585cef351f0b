package orm

import (
	"bytes"
	"slices"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// DjangoAttributes extracts the attribute uses of Django models: the
// places a release names a field through the ORM rather than in SQL,
// resolved to the model's table and the field's column (Usage
// Attribute, Source Django). They are evidence a person can follow; the
// model decides whether a change breaks the release. Read are
//   - queryset methods on Model.objects (or any manager attribute of a
//     model class): filter/exclude/get/get_or_create/update_or_create/
//     update/create keyword arguments (the first part of a lookup:
//     author__name is author) and the keys of their defaults={...},
//     values/values_list/order_by/only/defer/distinct string arguments
//     ("-created" is created), Q(...) lookups and F("field"),
//     Sum("field") and the other aggregates in any of them and in
//     annotate/aggregate;
//   - ModelAdmin options (list_display, fields, search_fields,
//     list_filter, readonly_fields, ordering, ...) of an admin registered
//     with @admin.register(Model) or admin.site.register(Model, Admin);
//   - serializer and ModelForm Meta fields/exclude lists with model =.
//
// Only names that are fields of the model count; a model is known by
// its class name when exactly one model of that name is extracted.
var DjangoAttributes refs.FilesExtractor = &program{
	name:    "django-attributes",
	match:   matchPython,
	extract: djangoUses,
}

// djInfo is what attribute uses need of a model.
type djInfo struct {
	schema, table string
	fields        map[string]string
}

var djQueryKwargs = map[string]bool{
	"filter": true, "exclude": true, "get": true, "get_or_create": true, "update_or_create": true,
	"update": true, "create": true,
}

var djQueryStrings = map[string]bool{
	"values": true, "values_list": true, "order_by": true, "only": true, "defer": true, "distinct": true,
}

// djQueryExprs take expressions only: annotate(total=Sum("amount")).
var djQueryExprs = map[string]bool{"annotate": true, "aggregate": true, "alias": true}

// djFieldFuncs are expressions whose first string argument is a field:
// F("amount"), Sum("amount"), Coalesce("a", ...).
var djFieldFuncs = map[string]bool{
	"F": true, "Sum": true, "Avg": true, "Min": true, "Max": true, "Count": true, "Coalesce": true,
	"StdDev": true, "Variance": true, "ArrayAgg": true, "StringAgg": true,
}

var djAdminOptions = map[string]bool{
	"list_display": true, "list_display_links": true, "fields": true, "search_fields": true,
	"list_filter": true, "readonly_fields": true, "ordering": true, "list_editable": true,
	"raw_id_fields": true, "exclude": true, "date_hierarchy": true, "autocomplete_fields": true,
}

// djangoUses reads the models first, then the uses.
func djangoUses(files []*source.File) ([]refs.Reference, error) {
	var firstErr error
	models := map[string]*djInfo{}
	seen := map[string]int{}
	for _, f := range files {
		if !matchDjangoModels(f.Path) {
			continue
		}
		err := readDjangoFile(f, func(x *djangoFile) {
			for _, c := range x.m.classes {
				dm := x.model(c)
				if !dm.isModel || dm.abstract || dm.proxy || dm.table == "" {
					continue
				}
				seen[c.name]++
				sch, tbl := djangoSplitTable(dm.table)
				models[c.name] = &djInfo{schema: sch, table: tbl, fields: dm.fields}
			}
		})
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for name, n := range seen {
		if n > 1 {
			delete(models, name) // two models of that name: which one is unknown
		}
	}
	if len(models) == 0 {
		return nil, firstErr
	}
	var out []refs.Reference
	known := djKnownFields(models)
	for _, f := range files {
		typed, loose := djangoUsesRelevant(f.Text), mentionsKnown(f.Text, known)
		if !typed && !loose {
			continue
		}
		tree, err := parsePython(f.Path, f.Text)
		if err != nil {
			continue // reported by the model pass or of no consequence
		}
		if typed {
			w := &djUsesWalker{models: models, f: f, src: f.Text}
			w.walk(tree.RootNode())
			out = append(out, w.out...)
		}
		if loose {
			out = append(out, djLooseUses(tree.RootNode(), f, models, known)...)
		}
		tree.Close()
	}
	return out, firstErr
}

func djangoUsesRelevant(src []byte) bool {
	for _, k := range [][]byte{[]byte(".objects"), []byte("fields"), []byte("list_display"), []byte("register(")} {
		if bytes.Contains(src, k) {
			return true
		}
	}
	return false
}

type djUsesWalker struct {
	models map[string]*djInfo
	f      *source.File
	src    []byte
	out    []refs.Reference
	admins map[string]*djInfo // admin class name -> model, from admin.site.register
}

func (w *djUsesWalker) walk(root *sitter.Node) {
	w.admins = map[string]*djInfo{}
	// admin.site.register(Model, ModelAdmin) may come after the class.
	var visit func(n *sitter.Node)
	visit = func(n *sitter.Node) {
		if n.Type() == "call" {
			if c, ok := readCall(n, w.src); ok && strings.HasSuffix(c.fn, "site.register") && len(c.args) == 2 {
				if mi := w.models[lastPart(dotted(c.args[0], w.src))]; mi != nil {
					w.admins[dotted(c.args[1], w.src)] = mi
				}
			}
		}
		for _, c := range namedChildren(n) {
			visit(c)
		}
	}
	visit(root)
	var uses func(n *sitter.Node, decorators []*sitter.Node)
	uses = func(n *sitter.Node, decorators []*sitter.Node) {
		switch n.Type() {
		case "decorated_definition":
			var decs []*sitter.Node
			for _, c := range namedChildren(n) {
				if c.Type() == "decorator" {
					decs = append(decs, c)
				}
			}
			if d := n.ChildByFieldName("definition"); d != nil {
				uses(d, decs)
			}
			return
		case "class_definition":
			w.class(n, decorators)
		case "call":
			w.query(n)
		}
		for _, c := range namedChildren(n) {
			uses(c, nil)
		}
	}
	uses(root, nil)
}

// query reads one queryset call on a model's manager.
func (w *djUsesWalker) query(n *sitter.Node) {
	fn := n.ChildByFieldName("function")
	if fn == nil || fn.Type() != "attribute" {
		return
	}
	method := text(fn.ChildByFieldName("attribute"), w.src)
	if !djQueryKwargs[method] && !djQueryStrings[method] && !djQueryExprs[method] {
		return
	}
	mi := w.managerModel(fn.ChildByFieldName("object"))
	if mi == nil {
		return
	}
	for _, a := range namedChildren(n.ChildByFieldName("arguments")) {
		switch {
		case a.Type() == "keyword_argument" && djQueryKwargs[method]:
			name := text(a.ChildByFieldName("name"), w.src)
			if name == "defaults" || name == "create_defaults" {
				w.dictKeys(mi, a.ChildByFieldName("value"))
				continue
			}
			w.emit(mi, name, a)
		case djQueryStrings[method]:
			if s, ok := pyString(a, w.src); ok {
				w.emit(mi, strings.TrimPrefix(s, "-"), a)
			}
		}
		w.expressions(mi, a)
	}
}

// expressions reads the Q(...) lookups and F("field")/Sum("field") of a
// queryset call's argument.
func (w *djUsesWalker) expressions(mi *djInfo, arg *sitter.Node) {
	walk(arg, func(n *sitter.Node) bool {
		c, ok := readCall(n, w.src)
		if !ok {
			return true
		}
		switch fn := lastPart(c.fn); {
		case fn == "Q":
			for _, a := range namedChildren(n.ChildByFieldName("arguments")) {
				if a.Type() == "keyword_argument" {
					w.emit(mi, text(a.ChildByFieldName("name"), w.src), a)
				}
			}
		case djFieldFuncs[fn] && len(c.args) > 0:
			if s, ok := pyString(c.args[0], w.src); ok {
				w.emit(mi, s, c.args[0])
			}
		}
		return true
	})
}

// dictKeys reads the string keys of get_or_create(defaults={...}).
func (w *djUsesWalker) dictKeys(mi *djInfo, d *sitter.Node) {
	if d == nil || d.Type() != "dictionary" {
		return
	}
	for _, p := range namedChildren(d) {
		if p.Type() == "pair" {
			if s, ok := pyString(p.ChildByFieldName("key"), w.src); ok {
				w.emit(mi, s, p)
			}
		}
	}
}

// managerModel follows a chain (Model.objects.filter(...).order_by) down
// to Model.<manager> and returns the model.
func (w *djUsesWalker) managerModel(n *sitter.Node) *djInfo {
	for n != nil {
		switch n.Type() {
		case "call":
			n = n.ChildByFieldName("function")
		case "attribute":
			obj := n.ChildByFieldName("object")
			if obj != nil && obj.Type() == "identifier" {
				attr := text(n.ChildByFieldName("attribute"), w.src)
				if attr == "objects" || strings.HasSuffix(attr, "_objects") {
					return w.models[text(obj, w.src)]
				}
				return nil
			}
			n = obj
		default:
			return nil
		}
	}
	return nil
}

// class reads ModelAdmin options and Meta fields of serializers and
// model forms.
func (w *djUsesWalker) class(n *sitter.Node, decorators []*sitter.Node) {
	name := text(n.ChildByFieldName("name"), w.src)
	mi := w.admins[name]
	for _, d := range decorators {
		for _, c := range namedChildren(d) {
			if call, ok := readCall(c, w.src); ok && lastPart(call.fn) == "register" && len(call.args) > 0 {
				if m := w.models[lastPart(dotted(call.args[0], w.src))]; m != nil {
					mi = m
				}
			}
		}
	}
	body := n.ChildByFieldName("body")
	for _, st := range namedChildren(body) {
		if st.Type() == "class_definition" && text(st.ChildByFieldName("name"), w.src) == "Meta" {
			w.meta(st)
		}
		if mi == nil {
			continue
		}
		for _, a := range classAssigns(st, w.src) {
			if djAdminOptions[a.name] {
				w.emitList(mi, a.value)
			}
		}
	}
}

// meta reads `model = X` and `fields = [...]`/`exclude = [...]`.
func (w *djUsesWalker) meta(meta *sitter.Node) {
	var mi *djInfo
	var lists []*sitter.Node
	for _, st := range namedChildren(meta.ChildByFieldName("body")) {
		for _, a := range classAssigns(st, w.src) {
			switch a.name {
			case "model":
				mi = w.models[lastPart(dotted(a.value, w.src))]
			case "fields", "exclude", "read_only_fields":
				lists = append(lists, a.value)
			}
		}
	}
	if mi == nil {
		return
	}
	for _, l := range lists {
		w.emitList(mi, l)
	}
}

// classAssigns returns the `name = value` of one class-body statement.
func classAssigns(st *sitter.Node, src []byte) []pyAttr {
	if st.Type() != "expression_statement" {
		return nil
	}
	var out []pyAttr
	for _, a := range namedChildren(st) {
		out = append(out, pyAssign(a, src)...)
	}
	return out
}

func (w *djUsesWalker) emitList(mi *djInfo, list *sitter.Node) {
	if list == nil {
		return
	}
	switch list.Type() {
	case "list", "tuple":
		for _, e := range namedChildren(list) {
			if s, ok := pyString(e, w.src); ok {
				w.emit(mi, strings.TrimPrefix(s, "-"), e)
			}
		}
	default:
		if s, ok := pyString(list, w.src); ok {
			w.emit(mi, s, list)
		}
	}
}

// emit records a use of field (a lookup's first part) when it is a field
// of the model.
func (w *djUsesWalker) emit(mi *djInfo, field string, at *sitter.Node) {
	field, _, _ = strings.Cut(field, "__")
	col, ok := mi.fields[field]
	if !ok {
		if c, isFK := strings.CutSuffix(field, "_id"); isFK && mi.fields[c] == field {
			col, ok = field, true
		}
	}
	if !ok {
		return
	}
	w.out = append(w.out, attributeRef(w.f, refs.Django, int(at.StartByte()), mi.schema, mi.table, col, refs.Resolved))
}

// The loose uses: obj.field on a value whose model is unknown (a
// variable, a parameter, another attribute), where field is a field of a
// model the project defines and not a name every object has. Inside a
// model's own methods self.field is that model's (Resolved); elsewhere
// the use is evidence only: NameOnly for the one model with that field,
// Ambiguous for each of several, narrowed to the models the file names.
// Method calls (obj.field(...)), imported names (modules, classes) and
// request values are not read.

// pyCommonNames are attributes too common on any Python or Django value
// for obj.name to say anything about a field of that name.
var pyCommonNames = map[string]bool{
	"id": true, "pk": true, "name": true, "type": true, "objects": true, "save": true, "delete": true,
	"get": true, "items": true, "keys": true, "values": true, "update": true, "copy": true, "count": true,
	"all": true, "filter": true, "first": true, "last": true, "exists": true, "append": true,
	"format": true, "split": true, "strip": true, "lower": true, "upper": true, "join": true,
	"data": true, "errors": true, "path": true, "url": true, "user": true,
}

// pyRequestValues are the values of a view that are no model instance.
var pyRequestValues = map[string]bool{
	"request": true, "settings": true, "kwargs": true, "args": true, "response": true, "os": true, "sys": true,
}

// djKnownFields maps each field name (and the _id column of a foreign
// key) to the models that have it, leaving out the common names.
func djKnownFields(models map[string]*djInfo) map[string][]string {
	known := map[string][]string{}
	for name, mi := range models {
		for field, col := range mi.fields {
			for _, n := range []string{field, col} {
				if !pyCommonNames[n] && !slices.Contains(known[n], name) && (n == field || n == field+"_id") {
					known[n] = append(known[n], name)
				}
			}
		}
	}
	for _, names := range known {
		slices.Sort(names)
	}
	return known
}

// djLooseUses returns the loose uses in one parsed file.
func djLooseUses(root *sitter.Node, f *source.File, models map[string]*djInfo, known map[string][]string) []refs.Reference {
	m := readPyModule(root, f.Text)
	named := map[string]bool{}
	var collect func(n *sitter.Node)
	collect = func(n *sitter.Node) {
		if n.Type() == "identifier" && models[text(n, f.Text)] != nil {
			named[text(n, f.Text)] = true
		}
		for _, c := range namedChildren(n) {
			collect(c)
		}
	}
	collect(root)
	var out []refs.Reference
	emit := func(mi *djInfo, attr string, at *sitter.Node, certainty refs.Certainty) {
		col, ok := mi.fields[attr]
		if !ok {
			col = attr // the _id column of a foreign key
		}
		out = append(out, attributeRef(f, refs.Django, int(at.StartByte()), mi.schema, mi.table, col, certainty))
	}
	var walk func(n *sitter.Node, self *djInfo)
	walk = func(n *sitter.Node, self *djInfo) {
		switch n.Type() {
		case "class_definition":
			self = models[text(n.ChildByFieldName("name"), f.Text)]
		case "attribute":
			if p := n.Parent(); p != nil && p.Type() == "call" && p.ChildByFieldName("function") == n {
				break // obj.method(...)
			}
			attrNode := n.ChildByFieldName("attribute")
			attr := text(attrNode, f.Text)
			names := known[attr]
			obj := n.ChildByFieldName("object")
			switch {
			case len(names) == 0 || obj == nil:
			case obj.Type() == "identifier" && text(obj, f.Text) == "self":
				if self != nil && self.has(attr) {
					emit(self, attr, attrNode, refs.Resolved)
				}
			case obj.Type() == "identifier" && (pyRequestValues[text(obj, f.Text)] || m.imports[text(obj, f.Text)] != "" || isCapitalized(text(obj, f.Text))):
			case obj.Type() == "attribute" && text(obj.ChildByFieldName("attribute"), f.Text) == "request":
			default:
				names, certainty := narrowByFile(names, named)
				for _, name := range names {
					emit(models[name], attr, attrNode, certainty)
				}
			}
		}
		for _, c := range namedChildren(n) {
			walk(c, self)
		}
	}
	walk(root, nil)
	return out
}

// has reports whether attr is a field of the model or a foreign key's
// _id column.
func (mi *djInfo) has(attr string) bool {
	if _, ok := mi.fields[attr]; ok {
		return true
	}
	fk, ok := strings.CutSuffix(attr, "_id")
	return ok && mi.fields[fk] == attr
}

func isCapitalized(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }
