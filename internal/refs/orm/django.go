package orm

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// Django extracts one reference per concrete Django model in models.py
// or a models/ package: Usage Model, Table = Meta.db_table or
// "<app_label>_<model name lower-cased>" (the app label is Meta.app_label
// or the directory holding models.py / the models package), Columns =
// every concrete field's column in declaration order: db_column or the
// field name, "<name>_id" for ForeignKey and OneToOneField, plus the
// implicit "id" primary key unless a field sets primary_key=True.
//
// ManyToManyField is not a column: without through= it gets its own
// reference to the join table "<table>_<field>" with columns id,
// "<model>_id" and "<target>_id" ("from_<model>_id"/"to_<model>_id" for
// a self-relation), located at the field's line. GenericForeignKey,
// GenericRelation, managers, properties and methods are not columns.
//
// Fields of abstract bases in the same file are inherited; a concrete
// base in the same file is multi-table inheritance (the child gets a
// "<base>_ptr_id" primary key); proxy models reuse their base's table.
// Django's contrib user bases (AbstractUser, AbstractBaseUser,
// PermissionsMixin) contribute their known fields. A class whose base is
// defined in another file counts as a model when it declares Django
// fields; the base's fields are then unknown.
var Django refs.Extractor = &extractor{
	name:    string(refs.Django),
	match:   matchDjangoModels,
	extract: djangoModels,
}

// matchDjangoModels reads models.py and the modules of models/ packages.
func matchDjangoModels(p string) bool {
	if !strings.HasSuffix(p, ".py") || excludedDir(p) {
		return false
	}
	segs := segments(p)
	return segs[len(segs)-1] == "models.py" || inModelsDir(p)
}

// djangoMaxName is PostgreSQL's identifier length, which Django
// truncates generated table names to.
const djangoMaxName = 63

func djangoModels(p string, src []byte) ([]refs.Reference, error) {
	var out []refs.Reference
	err := readDjangoFile(source.NewFile(p, src), func(x *djangoFile) {
		for _, c := range x.m.classes {
			out = append(out, x.references(c)...)
		}
	})
	return out, err
}

// readDjangoFile parses a models module and runs fn on it while its
// syntax tree is open; a module without an import from django has no
// models and is not read.
func readDjangoFile(f *source.File, fn func(x *djangoFile)) error {
	if !bytes.Contains(f.Text, []byte("django")) {
		return nil
	}
	tree, err := parsePython(f.Path, f.Text)
	if err != nil {
		return err
	}
	defer tree.Close()
	m := readPyModule(tree.RootNode(), f.Text)
	if m.importsPrefix("django") {
		fn(&djangoFile{m: m, f: f, label: appLabel(f.Path)})
	}
	return nil
}

func (m *pyModule) importsPrefix(pkg string) bool {
	for _, q := range m.imports {
		if q == pkg || strings.HasPrefix(q, pkg+".") {
			return true
		}
	}
	return false
}

// appLabel is the directory holding models.py, or holding the models
// package.
func appLabel(p string) string {
	segs := segments(p)
	if segs[len(segs)-1] == "models.py" {
		if len(segs) >= 2 {
			return segs[len(segs)-2]
		}
		return ""
	}
	for i := len(segs) - 2; i >= 1; i-- {
		if segs[i] == "models" {
			return segs[i-1]
		}
	}
	return ""
}

type djangoFile struct {
	m      *pyModule
	f      *source.File
	label  string
	models pyClassMemo[djModel]
	// fieldCol maps each class's own field names to their columns.
	fieldCol map[*pyClass]map[string]string
}

// djModel is what a class contributes, after inheritance.
type djModel struct {
	isModel  bool
	abstract bool
	proxy    bool
	table    string
	columns  []string
	writes   []refs.Write      // how inserts fill each column, at its field
	fields   map[string]string // field name -> column, for attribute uses
	pk       bool              // a column is the primary key
	m2m      []djM2M
	concrete *pyClass // for proxies: the concrete base
}

type djM2M struct {
	field   string
	target  string // model name, lower-cased; "self" for self-relations
	dbTable string
	off     int
}

// djangoBuiltinBases are contrib abstract models and the fields they
// add.
var djangoBuiltinBases = map[string]struct {
	columns []string
	m2m     [][2]string // field, target
}{
	"AbstractBaseUser": {columns: []string{"password", "last_login"}},
	"PermissionsMixin": {columns: []string{"is_superuser"}, m2m: [][2]string{{"groups", "group"}, {"user_permissions", "permission"}}},
	"AbstractUser": {
		columns: []string{"password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"},
		m2m:     [][2]string{{"groups", "group"}, {"user_permissions", "permission"}},
	},
}

func (x *djangoFile) model(c *pyClass) *djModel { return x.models.get(c, x.build) }

func (x *djangoFile) build(c *pyClass) *djModel {
	src := x.m.src
	dm := &djModel{fields: map[string]string{}}
	known := false // some base says this is a model
	var inherited []string
	var inheritedWrites []refs.Write
	var ptr string
	for _, b := range c.bases {
		name := dotted(b, src)
		if name == "" {
			continue
		}
		if bc, ok := x.m.byName[name]; ok && bc != c {
			bm := x.model(bc)
			if !bm.isModel {
				continue
			}
			known = true
			switch {
			case bm.abstract:
				inherited = uniq(inherited, bm.columns...)
				inheritedWrites = append(inheritedWrites, bm.writes...)
				for k, v := range bm.fields {
					dm.fields[k] = v
				}
				dm.pk = dm.pk || bm.pk
				dm.m2m = append(dm.m2m, bm.m2m...)
			case dm.concrete == nil:
				dm.concrete = bc
				ptr = strings.ToLower(bc.name) + "_ptr_id"
			}
			continue
		}
		last := lastPart(name)
		if last == "Model" {
			known = true
			continue
		}
		if bb, ok := djangoBuiltinBases[last]; ok {
			known = true
			inherited = uniq(inherited, bb.columns...)
			for _, mm := range bb.m2m {
				dm.m2m = append(dm.m2m, djM2M{field: mm[0], target: mm[1], off: c.off})
			}
		}
	}
	own, ownWrites, ownM2M, ownPK, hasFields := x.fields(c)
	for k, v := range x.fieldCol[c] {
		dm.fields[k] = v
	}
	if !known && !hasFields {
		return dm
	}
	dm.isModel = true
	meta := c.meta
	dm.abstract = isTrue(meta.attr("abstract"))
	dm.proxy = isTrue(meta.attr("proxy"))
	dm.m2m = append(dm.m2m, ownM2M...)
	dm.pk = dm.pk || ownPK
	dm.writes = mergeWrites(inheritedWrites, ownWrites)
	switch {
	case dm.abstract:
		dm.columns = uniq(inherited, own...)
		return dm
	case dm.proxy:
		return dm
	}
	var cols []string
	if ptr != "" {
		cols = append(cols, ptr)
		dm.pk = true
	}
	cols = uniq(cols, inherited...)
	cols = uniq(cols, own...)
	if !dm.pk {
		cols = append([]string{"id"}, cols...)
		dm.fields["id"] = "id"
	}
	dm.columns = cols
	dm.table = x.tableName(c)
	return dm
}

func (x *djangoFile) tableName(c *pyClass) string {
	if s, ok := pyString(c.meta.attr("db_table"), x.m.src); ok && s != "" {
		return s
	}
	label := x.label
	if s, ok := pyString(c.meta.attr("app_label"), x.m.src); ok && s != "" {
		label = s
	}
	name := strings.ToLower(c.name)
	if label != "" {
		name = label + "_" + name
	}
	return truncateName(name, djangoMaxName)
}

// truncateName shortens a generated identifier the way Django's
// db.backends.utils.truncate_name does: keep length-4 characters and
// append 4 hex digits of the name's MD5.
func truncateName(name string, length int) string {
	if len(name) <= length {
		return name
	}
	sum := md5.Sum([]byte(name))
	return name[:length-4] + hex.EncodeToString(sum[:])[:4]
}

// mergeWrites returns the writes of a model's own fields and of those it
// inherits; a field it declares itself overrides an inherited one.
func mergeWrites(inherited, own []refs.Write) []refs.Write {
	out := slices.Clone(own)
	for _, w := range inherited {
		if !slices.ContainsFunc(own, func(o refs.Write) bool { return strings.EqualFold(o.Column, w.Column) }) {
			out = append(out, w)
		}
	}
	return out
}

// djangoWrite says how Django's inserts fill a concrete field's column:
// a value on every insert unless the field is null=True without a
// default (default=, db_default=, auto_now, auto_now_add), which lets a
// model instance be saved with None.
func (x *djangoFile) djangoWrite(col string, a pyAttr, call pyCall) refs.Write {
	pos := x.f.Pos(a.off)
	may := isTrue(call.kwargs["null"])
	for _, k := range []string{"default", "db_default"} {
		if v, ok := call.kwargs[k]; ok && v.Type() != "none" {
			may = false
		}
	}
	if isTrue(call.kwargs["auto_now"]) || isTrue(call.kwargs["auto_now_add"]) || isTrue(call.kwargs["primary_key"]) {
		may = false
	}
	return refs.Write{Column: col, Always: !may, Line: pos.Line, Snippet: snippet(x.f, pos.Line)}
}

// djangoNonColumn are field-like classes that add no column to the
// model's table.
var djangoNonColumn = map[string]bool{
	"GenericForeignKey": true, "GenericRelation": true, "ForeignObject": true,
	"ForeignObjectRel": true, "ManyToOneRel": true, "OneToOneRel": true, "ManyToManyRel": true,
}

// fields reads the class body: columns, M2M relations, whether a field is
// the primary key and whether any Django field was seen.
func (x *djangoFile) fields(c *pyClass) (cols []string, writes []refs.Write, m2m []djM2M, pk, seen bool) {
	src := x.m.src
	if x.fieldCol == nil {
		x.fieldCol = map[*pyClass]map[string]string{}
	}
	x.fieldCol[c] = map[string]string{}
	for _, a := range c.attrs {
		call, ok := readCall(a.value, src)
		if !ok {
			continue
		}
		kind := lastPart(call.fn)
		recv := strings.TrimSuffix(call.fn, "."+kind)
		if recv != call.fn && formLike[lastPart(recv)] {
			continue
		}
		if kind == "Field" { // pydantic/dataclass-style Field(), never a Django model field
			continue
		}
		if djangoNonColumn[kind] {
			seen = true
			continue
		}
		switch {
		case strings.HasSuffix(kind, "ManyToManyField"):
			seen = true
			if _, ok := call.kwargs["through"]; ok {
				continue
			}
			mm := djM2M{field: a.name, target: x.target(call), off: a.off}
			if s, ok := pyString(call.kwargs["db_table"], src); ok {
				mm.dbTable = s
			}
			m2m = append(m2m, mm)
		case strings.HasSuffix(kind, "Field") || isForeignKey(kind):
			seen = true
			col := a.name
			if isForeignKey(kind) {
				col += "_id"
			}
			if s, ok := pyString(call.kwargs["db_column"], src); ok && s != "" {
				col = s
			}
			cols = uniq(cols, col)
			writes = append(writes, x.djangoWrite(col, a, call))
			x.fieldCol[c][a.name] = col
			pk = pk || isTrue(call.kwargs["primary_key"])
		}
	}
	return cols, writes, m2m, pk, seen
}

// isForeignKey reports whether a field class is a relation whose column
// is "<name>_id" (OneToOneField included).
func isForeignKey(kind string) bool {
	return strings.HasSuffix(kind, "ForeignKey") || strings.HasSuffix(kind, "OneToOneField") || kind == "ParentalKey"
}

// formLike are modules whose XField classes are form, serializer or
// filter fields, not model fields.
var formLike = map[string]bool{"forms": true, "serializers": true, "filters": true, "django_filters": true, "graphene": true}

// target returns the lower-cased model name an M2M field points to, or
// "" when it cannot be read.
func (x *djangoFile) target(call pyCall) string {
	src := x.m.src
	t := call.kwargs["to"]
	if t == nil && len(call.args) > 0 {
		t = call.args[0]
	}
	if t == nil {
		return ""
	}
	if s, ok := pyString(t, src); ok {
		if s == "self" {
			return "self"
		}
		return strings.ToLower(lastPart(s))
	}
	switch name := dotted(t, src); {
	case name == "settings.AUTH_USER_MODEL":
		return "user"
	case name != "":
		return strings.ToLower(lastPart(name))
	}
	if call, ok := readCall(t, src); ok && lastPart(call.fn) == "get_user_model" {
		return "user"
	}
	return ""
}

func (x *djangoFile) references(c *pyClass) []refs.Reference {
	dm := x.model(c)
	if !dm.isModel || dm.abstract {
		return nil
	}
	table, cols, writes := dm.table, dm.columns, dm.writes
	if dm.proxy {
		if dm.concrete == nil {
			return nil
		}
		base := x.model(dm.concrete)
		table, cols, writes = base.table, base.columns, base.writes
		if table == "" {
			return nil
		}
	}
	ref := newRef(x.f, refs.Django, c.off, table)
	ref.Schema, ref.Table = djangoSplitTable(table)
	ref.Columns = cols
	ref.Writes = writes
	out := []refs.Reference{ref}
	if dm.proxy {
		return out
	}
	self := strings.ToLower(c.name)
	for _, mm := range dm.m2m {
		if mm.target == "" {
			continue
		}
		jt := mm.dbTable
		if jt == "" {
			_, t := djangoSplitTable(table)
			jt = truncateName(t+"_"+mm.field, djangoMaxName)
		}
		from, to := self+"_id", mm.target+"_id"
		if mm.target == "self" || mm.target == self {
			from, to = "from_"+self+"_id", "to_"+self+"_id"
		}
		j := newRef(x.f, refs.Django, mm.off, jt)
		j.Schema, j.Table = djangoSplitTable(jt)
		if j.Schema == "" {
			j.Schema = ref.Schema
		}
		j.Columns = []string{"id", from, to}
		out = append(out, j)
	}
	return out
}

// djangoSplitTable reads the 'schema"."table' quoting trick Django
// users write in db_table to place a model in another schema.
func djangoSplitTable(t string) (string, string) {
	if s, tbl, ok := strings.Cut(t, `"."`); ok {
		return strings.Trim(s, `"`), strings.Trim(tbl, `"`)
	}
	return "", t
}
