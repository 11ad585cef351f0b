package orm

import (
	"bytes"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// SQLAlchemy extracts SQLAlchemy models (Usage Model, Columns = the
// mapped columns):
//
//   - declarative classes with __tablename__ = "x" (1.x Column(...) and
//     2.0 mapped_column(...) / bare Mapped[...] annotations); a column's
//     name is the first string argument (Column("real_name", Integer)) or
//     name=, else the attribute name; relationship(), association
//     proxies, hybrid properties and methods are not columns;
//   - Flask-SQLAlchemy classes on db.Model without __tablename__ (table =
//     the class name in snake_case, as Flask-SQLAlchemy derives it);
//   - SQLModel classes declared with table=True (table = class name
//     lower-cased; every annotated field except Relationship());
//   - single-table inheritance: a subclass of a mapped class without its
//     own __tablename__ adds its columns to the parent's table; columns
//     of mixins and __abstract__ bases in the same file are inherited;
//   - core tables: Table("name", metadata, Column("id", ...), schema=...).
//
// __table_args__ = {"schema": "s"} (or a tuple ending in such a dict)
// sets the schema.
var SQLAlchemy refs.Extractor = &extractor{
	name:    string(refs.SQLAlchemy),
	match:   matchPython,
	extract: sqlalchemyModels,
}

func sqlalchemyModels(p string, src []byte) ([]refs.Reference, error) {
	if !mayBeSQLAlchemy(src) {
		return nil, nil
	}
	tree, err := parsePython(p, src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	m := readPyModule(tree.RootNode(), src)
	x := &saFile{m: m, f: source.NewFile(p, src)}
	var out []refs.Reference
	for _, c := range m.classes {
		if ref, ok := x.reference(c); ok {
			out = append(out, ref)
		}
	}
	out = append(out, x.coreTables(tree.RootNode())...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Col < out[j].Col
	})
	return out, nil
}

// mayBeSQLAlchemy is a cheap filter: every construct the extractor
// reads contains one of these words.
func mayBeSQLAlchemy(src []byte) bool {
	for _, w := range []string{"__tablename__", "Column", "mapped_column", "Mapped", "SQLModel", "Table"} {
		if bytes.Contains(src, []byte(w)) {
			return true
		}
	}
	return false
}

type saFile struct {
	m    *pyModule
	f    *source.File
	info pyClassMemo[saClass]
}

// saClass is a class after inheritance is applied.
type saClass struct {
	mapped   bool   // maps a table (its own or, for STI, its parent's)
	abstract bool   // __abstract__ or a mixin: only contributes columns
	table    string // own or inherited table, may be "schema.table"
	columns  []string
	writes   []refs.Write // how inserts fill each column, at its definition
}

func (x *saFile) class(c *pyClass) *saClass { return x.info.get(c, x.build) }

func (x *saFile) build(c *pyClass) *saClass {
	src := x.m.src
	ci := &saClass{}
	own, ownWrites, sawColumn := x.columns(c)
	var parent *saClass
	var inherited []string
	var inheritedWrites []refs.Write
	flaskBase := false
	for _, b := range c.bases {
		name := dotted(b, src)
		if bc, ok := x.m.byName[name]; ok && bc != c {
			bi := x.class(bc)
			if bi.mapped {
				if parent == nil {
					parent = bi
				}
				continue
			}
			inherited = uniq(inherited, bi.columns...)
			inheritedWrites = mergeWrites(inheritedWrites, bi.writes)
			continue
		}
		if strings.HasSuffix(name, ".Model") && !strings.HasPrefix(x.m.qualify(name), "django.") {
			flaskBase = true
		}
	}
	if isTrue(c.attr("__abstract__")) {
		ci.abstract = true
		ci.columns = uniq(inherited, own...)
		ci.writes = mergeWrites(inheritedWrites, ownWrites)
		return ci
	}
	table, hasTable := pyString(c.attr("__tablename__"), src)
	sqlModel := isTrue(c.kwargs["table"])
	switch {
	case hasTable && table != "":
	case parent != nil:
		// Single-table inheritance: the parent's table and columns.
		table = parent.table
		inherited = uniq(append([]string(nil), parent.columns...), inherited...)
		inheritedWrites = mergeWrites(inheritedWrites, parent.writes)
	case sqlModel:
		table = strings.ToLower(c.name)
	case flaskBase && sawColumn:
		table = flaskTableName(c.name)
	default:
		// A mixin or plain class: its columns only matter to subclasses.
		ci.abstract = true
		ci.columns = uniq(inherited, own...)
		ci.writes = mergeWrites(inheritedWrites, ownWrites)
		return ci
	}
	if schema, ok := x.tableArgsSchema(c); ok && !strings.Contains(table, ".") {
		table = schema + "." + table
	}
	ci.mapped = true
	ci.table = table
	ci.columns = uniq(inherited, own...)
	ci.writes = mergeWrites(inheritedWrites, ownWrites)
	return ci
}

// columns returns the columns a class body maps itself, and how its
// inserts fill them.
func (x *saFile) columns(c *pyClass) ([]string, []refs.Write, bool) {
	src := x.m.src
	sqlModel := x.isSQLModel(c, 0)
	var cols []string
	var writes []refs.Write
	add := func(name string, w refs.Write, ok bool) {
		cols = uniq(cols, name)
		if ok {
			writes = append(writes, w)
		}
	}
	saw := false
	for _, a := range c.attrs {
		if strings.HasPrefix(a.name, "__") {
			continue
		}
		if name, call, ok := x.columnDef(a.name, a.value); ok {
			w, known := x.saWrite(name, a, &call, lastPart(call.fn) == "mapped_column")
			add(name, w, known)
			saw = true
			continue
		}
		if a.value == nil && isMappedAnnotation(a.typ, src) {
			w, known := x.saWrite(a.name, a, nil, true)
			add(a.name, w, known)
			saw = true
			continue
		}
		if sqlModel && a.typ != nil {
			if name, ok := x.sqlModelField(a); ok {
				w, known := x.sqlModelWrite(name, a)
				add(name, w, known)
				saw = true
			}
		}
	}
	return cols, writes, saw
}

// isSQLModel reports whether c derives from SQLModel, whose annotated
// fields are columns once a subclass sets table=True.
func (x *saFile) isSQLModel(c *pyClass, depth int) bool {
	if isTrue(c.kwargs["table"]) {
		return true
	}
	for _, b := range c.bases {
		name := dotted(b, x.m.src)
		if lastPart(name) == "SQLModel" {
			return true
		}
		if bc, ok := x.m.byName[name]; ok && bc != c && depth < 16 && x.isSQLModel(bc, depth+1) {
			return true
		}
	}
	return false
}

// columnDef reads Column(...)/mapped_column(...) and the deferred() /
// column_property() wrappers around them: the column's name and its
// Column or mapped_column call.
func (x *saFile) columnDef(attr string, v *sitter.Node) (string, pyCall, bool) {
	src := x.m.src
	call, ok := readCall(v, src)
	if !ok {
		return "", pyCall{}, false
	}
	switch lastPart(call.fn) {
	case "Column", "mapped_column":
		if len(call.args) > 0 {
			if s, ok := pyString(call.args[0], src); ok && s != "" {
				return s, call, true
			}
		}
		if s, ok := pyString(call.kwargs["name"], src); ok && s != "" {
			return s, call, true
		}
		return attr, call, true
	case "deferred", "column_property", "synonym_for":
		if len(call.args) > 0 {
			return x.columnDef(attr, call.args[0])
		}
	}
	return "", pyCall{}, false
}

// isMappedAnnotation matches Mapped[...] (not a collection, which would
// be a relationship) as SQLAlchemy 2.0 maps it without mapped_column().
func isMappedAnnotation(t *sitter.Node, src []byte) bool {
	if t == nil {
		return false
	}
	s := strings.Join(strings.Fields(text(t, src)), "")
	s = strings.TrimPrefix(s, "orm.")
	s = strings.TrimPrefix(s, "sa.orm.")
	if !strings.HasPrefix(s, "Mapped[") {
		return false
	}
	inner := strings.TrimPrefix(s, "Mapped[")
	for _, coll := range []string{"List[", "list[", "Set[", "set[", "typing.List["} {
		if strings.HasPrefix(inner, coll) {
			return false
		}
	}
	return true
}

// sqlModelField reads a SQLModel field: any annotated attribute except
// ClassVar and Relationship(); Field(sa_column=Column("x")) names its
// column.
func (x *saFile) sqlModelField(a pyAttr) (string, bool) {
	src := x.m.src
	if strings.Contains(text(a.typ, src), "ClassVar") {
		return "", false
	}
	call, ok := readCall(a.value, src)
	if !ok {
		return a.name, true
	}
	switch lastPart(call.fn) {
	case "Relationship", "relationship":
		return "", false
	case "Field":
		if col := call.kwargs["sa_column"]; col != nil {
			if name, _, ok := x.columnDef(a.name, col); ok {
				return name, true
			}
		}
	}
	return a.name, true
}

// tableArgsSchema reads {"schema": "x"} from __table_args__.
func (x *saFile) tableArgsSchema(c *pyClass) (string, bool) {
	v := c.attr("__table_args__")
	if v == nil {
		return "", false
	}
	if v.Type() == "tuple" {
		kids := namedChildren(v)
		if len(kids) == 0 {
			return "", false
		}
		v = kids[len(kids)-1]
	}
	if v.Type() != "dictionary" {
		return "", false
	}
	for _, p := range namedChildren(v) {
		if p.Type() != "pair" {
			continue
		}
		if k, ok := pyString(p.ChildByFieldName("key"), x.m.src); ok && k == "schema" {
			return pyString(p.ChildByFieldName("value"), x.m.src)
		}
	}
	return "", false
}

// flaskTableName is Flask-SQLAlchemy's camel_to_snake_case.
func flaskTableName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isUpper(c) && i > 0 && (isLower(name[i-1]) || isDigit(name[i-1]) || (i+1 < len(name) && isLower(name[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteByte(c)
	}
	return strings.TrimLeft(strings.ToLower(b.String()), "_")
}

func (x *saFile) reference(c *pyClass) (refs.Reference, bool) {
	ci := x.class(c)
	if !ci.mapped || ci.table == "" {
		return refs.Reference{}, false
	}
	ref := newRef(x.f, refs.SQLAlchemy, c.off, ci.table)
	ref.Columns = ci.columns
	ref.Writes = ci.writes
	return ref, true
}

// coreTables finds Table("name", metadata, Column(...), ...) calls.
func (x *saFile) coreTables(root *sitter.Node) []refs.Reference {
	src := x.m.src
	var out []refs.Reference
	walk(root, func(n *sitter.Node) bool {
		if n.Type() != "call" {
			return true
		}
		call, ok := readCall(n, src)
		if !ok || lastPart(call.fn) != "Table" || len(call.args) == 0 {
			return true
		}
		name, ok := pyString(call.args[0], src)
		if !ok || name == "" {
			return true
		}
		var cols []string
		for _, a := range call.args[1:] {
			cc, ok := readCall(a, src)
			if !ok || lastPart(cc.fn) != "Column" {
				continue
			}
			if len(cc.args) > 0 {
				if s, ok := pyString(cc.args[0], src); ok && s != "" {
					cols = uniq(cols, s)
				}
			}
		}
		_, autoload := call.kwargs["autoload_with"]
		if _, ok := call.kwargs["autoload"]; ok {
			autoload = true
		}
		qualified := strings.HasPrefix(x.m.qualify(call.fn), "sqlalchemy")
		if len(cols) == 0 && !autoload && !qualified {
			return true // some other library's Table
		}
		if s, ok := pyString(call.kwargs["schema"], src); ok && s != "" {
			name = s + "." + name
		}
		ref := newRef(x.f, refs.SQLAlchemy, int(n.StartByte()), name)
		ref.Columns = cols
		out = append(out, ref)
		return false
	})
	return out
}
