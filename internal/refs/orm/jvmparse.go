package orm

import (
	"path"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/java"
	"github.com/smacker/go-tree-sitter/kotlin"

	"github.com/schemagate/schemagate/internal/source"
)

// This file reads Java and Kotlin files into one plain model: classes
// with their annotations, fields (Kotlin properties), methods and
// supertypes, and the T.FIELD accesses jOOQ code makes. Library logic
// (JPA, Spring Data, jOOQ) runs on the model, never on trees.

type jvKind int

const (
	jvOther jvKind = iota
	jvString
	jvBool
	jvNumber
	jvPath  // a name or dotted name: GenerationType.IDENTITY, Foo.class
	jvArray // {a, b} in Java, [a, b] or arrayOf(a, b) in Kotlin
	jvAnnot
)

// jvVal is an annotation argument's value.
type jvVal struct {
	kind  jvKind
	str   string // string value, path, bool or number text
	off   int
	items []*jvVal
	ann   *jvAnnotation
	// pieces map a string's value back to the file: value bytes
	// [text, text+n) came from file bytes [file, file+n).
	pieces []jvPiece
}

type jvPiece struct{ text, file, n int }

// at returns the file offset of byte i of a string's value.
func (v *jvVal) at(i int) int {
	for _, p := range v.pieces {
		if i >= p.text && i < p.text+p.n {
			return p.file + i - p.text
		}
	}
	return v.off
}

func (v *jvVal) isStr() (string, bool) {
	if v == nil || v.kind != jvString {
		return "", false
	}
	return v.str, true
}

func (v *jvVal) isTrue() bool { return v != nil && v.kind == jvBool && v.str == "true" }

// pathName returns the last part of a path value (JOINED for
// InheritanceType.JOINED).
func (v *jvVal) pathName() string {
	if v == nil || v.kind != jvPath {
		return ""
	}
	return lastDot(v.str)
}

// list returns the items of an array, or the value itself.
func (v *jvVal) list() []*jvVal {
	if v == nil {
		return nil
	}
	if v.kind == jvArray {
		return v.items
	}
	return []*jvVal{v}
}

// jvAnnotation is one annotation: @Name, @Name(x) or @Name(k = v, ...).
type jvAnnotation struct {
	name string // simple name
	args map[string]*jvVal
	off  int
}

func (a *jvAnnotation) arg(name string) *jvVal {
	if a == nil {
		return nil
	}
	return a.args[name]
}

type jvAnnotations []*jvAnnotation

func (as jvAnnotations) get(names ...string) *jvAnnotation {
	for _, a := range as {
		for _, n := range names {
			if a.name == n {
				return a
			}
		}
	}
	return nil
}

// jvField is a Java field or a Kotlin property (also a constructor
// val/var).
type jvField struct {
	name        string
	off         int
	annotations jvAnnotations
	static      bool
	transient   bool
	noBacking   bool // a Kotlin property without a backing field
	hasInit     bool // a Kotlin property with an initializer (or lateinit)
	typ         string
	typeArgs    []string
	init        *jvVal // a constant's initializer: createField(DSL.name("x")) in jOOQ tables
	initCall    string // the initializer's call name (createField, new Users())
}

type jvMethod struct {
	name        string
	off         int
	annotations jvAnnotations
	params      int
	typ         string
}

// jvClass is one class, interface, enum or record.
type jvClass struct {
	name        string
	kind        string // class, interface, enum, record
	off         int
	annotations jvAnnotations
	superclass  string
	superArgs   []string
	interfaces  []jvType
	fields      []*jvField
	methods     []*jvMethod
	// ctorNames are the strings of DSL.name("...") calls in this(...)
	// and super(...) calls of constructors: a jOOQ table's name.
	ctorNames []string
	file      *jvFile
}

type jvType struct {
	name string
	args []string
}

// jvAccess is a Q.NAME read (jOOQ: USERS.NICKNAME) or a call with a
// bare constant argument (selectFrom(USERS)).
type jvAccess struct {
	object, field string
	off           int
	call          string // for calls: the method name; object is the argument
}

// jvFile is what the readers need of one file.
type jvFile struct {
	f       *source.File
	kotlin  bool
	pkg     string
	imports map[string]string // simple name -> qualified name (static imports included)
	// wildcards are on-demand imports: packages (and, for static
	// imports, classes) whose members are visible.
	wildcards []string
	classes   []*jvClass
	accesses  []jvAccess
}

var (
	jvOnce                     sync.Once
	jvJava, jvKotlin           *sitter.Language
	jvJavaAccess, jvKtAccess   *sitter.Query
	jvJavaClasses, jvKtClasses *sitter.Query
)

func jvInit() {
	jvOnce.Do(func() {
		jvJava, jvKotlin = java.GetLanguage(), kotlin.GetLanguage()
		var errs [4]error
		jvJavaAccess, errs[0] = sitter.NewQuery([]byte(`
(field_access object: (identifier) @o field: (identifier) @f)
(field_access object: (field_access field: (identifier) @o) field: (identifier) @f)
(method_invocation name: (identifier) @m arguments: (argument_list . (identifier) @a))`), jvJava)
		jvKtAccess, errs[1] = sitter.NewQuery([]byte(`
(navigation_expression (simple_identifier) @o (navigation_suffix (simple_identifier) @f))
(navigation_expression (navigation_expression (navigation_suffix (simple_identifier) @o)) (navigation_suffix (simple_identifier) @f))
(call_expression (simple_identifier) @m (call_suffix (value_arguments . (value_argument (simple_identifier) @a))))
(call_expression (navigation_expression (navigation_suffix (simple_identifier) @m)) (call_suffix (value_arguments . (value_argument (simple_identifier) @a))))`), jvKotlin)
		jvJavaClasses, errs[2] = sitter.NewQuery([]byte(`(class_declaration) @c (interface_declaration) @c (record_declaration) @c`), jvJava)
		jvKtClasses, errs[3] = sitter.NewQuery([]byte(`(class_declaration) @c`), jvKotlin)
		for _, e := range errs {
			if e != nil {
				panic("orm: bad tree-sitter query: " + e.Error())
			}
		}
	})
}

func isKotlin(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".kt" || ext == ".kts"
}

// readJVMFile parses a Java or Kotlin file; withAccesses also collects
// the Q.NAME reads and constant arguments jOOQ code makes.
func readJVMFile(f *source.File, withAccesses bool) (*jvFile, error) {
	jvInit()
	jf := &jvFile{f: f, kotlin: isKotlin(f.Path), imports: map[string]string{}}
	lang, classes, accesses := jvJava, jvJavaClasses, jvJavaAccess
	if jf.kotlin {
		lang, classes, accesses = jvKotlin, jvKtClasses, jvKtAccess
	}
	tree, err := parseTree(lang, f.Path, f.Text)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	r := &jvReader{src: f.Text, kotlin: jf.kotlin}
	root := tree.RootNode()
	r.header(jf, root)
	qc := sitter.NewQueryCursor()
	defer qc.Close()
	for m := range matches(qc, classes, root) {
		for _, c := range m.Captures {
			cl := r.class(c.Node)
			cl.file = jf
			jf.classes = append(jf.classes, cl)
		}
	}
	if withAccesses {
		for m := range matches(qc, accesses, root) {
			if len(m.Captures) != 2 {
				continue
			}
			a, b := m.Captures[0].Node, m.Captures[1].Node
			switch accesses.CaptureNameForId(m.Captures[0].Index) {
			case "o":
				jf.accesses = append(jf.accesses, jvAccess{object: r.text(a), field: r.text(b), off: int(b.StartByte())})
			case "m":
				jf.accesses = append(jf.accesses, jvAccess{call: r.text(a), object: r.text(b), off: int(b.StartByte())})
			}
		}
	}
	return jf, nil
}

type jvReader struct {
	src    []byte
	kotlin bool
}

func (r *jvReader) text(n *sitter.Node) string { return text(n, r.src) }

// header reads the package and the imports.
func (r *jvReader) header(jf *jvFile, root *sitter.Node) {
	for _, st := range namedChildren(root) {
		switch st.Type() {
		case "package_declaration", "package_header":
			for _, c := range namedChildren(st) {
				if t := c.Type(); t == "scoped_identifier" || t == "identifier" {
					jf.pkg = strings.ReplaceAll(r.text(c), " ", "")
				}
			}
		case "import_declaration":
			r.importDecl(jf, st)
		case "import_list":
			for _, h := range namedChildren(st) {
				if h.Type() == "import_header" {
					r.importDecl(jf, h)
				}
			}
		}
	}
}

func (r *jvReader) importDecl(jf *jvFile, st *sitter.Node) {
	name, alias, wildcard := "", "", false
	for _, c := range children(st) {
		switch c.Type() {
		case "scoped_identifier", "identifier":
			name = strings.ReplaceAll(r.text(c), " ", "")
		case "asterisk", "wildcard_import":
			wildcard = true
		case "import_alias":
			for _, a := range namedChildren(c) {
				alias = r.text(a)
			}
		}
	}
	if name == "" {
		return
	}
	if wildcard {
		jf.wildcards = append(jf.wildcards, name)
		return
	}
	if alias == "" {
		alias = lastDot(name)
	}
	jf.imports[alias] = name
}

// class reads a class-like declaration.
func (r *jvReader) class(n *sitter.Node) *jvClass {
	c := &jvClass{kind: "class", off: int(n.StartByte())}
	switch n.Type() {
	case "interface_declaration":
		c.kind = "interface"
	case "record_declaration":
		c.kind = "record"
	}
	if r.kotlin {
		r.kotlinClass(c, n)
		return c
	}
	if name := n.ChildByFieldName("name"); name != nil {
		c.name, c.off = r.text(name), int(name.StartByte())
	}
	for _, ch := range children(n) {
		switch ch.Type() {
		case "modifiers":
			c.annotations = r.annotations(ch)
		case "superclass":
			for _, t := range namedChildren(ch) {
				c.superclass, c.superArgs = r.javaType(t)
			}
		case "super_interfaces", "extends_interfaces":
			for _, tl := range namedChildren(ch) {
				for _, t := range namedChildren(tl) {
					name, args := r.javaType(t)
					c.interfaces = append(c.interfaces, jvType{name, args})
				}
			}
		}
	}
	body := n.ChildByFieldName("body")
	for _, m := range namedChildren(body) {
		switch m.Type() {
		case "field_declaration", "constant_declaration":
			c.fields = append(c.fields, r.javaFields(m)...)
		case "method_declaration":
			c.methods = append(c.methods, r.javaMethod(m))
		case "constructor_declaration":
			c.ctorNames = append(c.ctorNames, r.ctorNames(m)...)
		}
	}
	return c
}

// javaType returns a type's simple name and its type arguments' names.
func (r *jvReader) javaType(t *sitter.Node) (string, []string) {
	switch t.Type() {
	case "type_identifier", "integral_type", "floating_point_type", "boolean_type":
		return r.text(t), nil
	case "scoped_type_identifier":
		return lastDot(strings.ReplaceAll(r.text(t), " ", "")), nil
	case "generic_type":
		var name string
		var args []string
		for _, c := range namedChildren(t) {
			switch c.Type() {
			case "type_identifier", "scoped_type_identifier":
				name, _ = r.javaType(c)
			case "type_arguments":
				for _, a := range namedChildren(c) {
					an, _ := r.javaType(a)
					args = append(args, an)
				}
			}
		}
		return name, args
	case "array_type":
		if e := t.ChildByFieldName("element"); e != nil {
			n, _ := r.javaType(e)
			return n + "[]", nil
		}
	}
	return "", nil
}

func (r *jvReader) javaFields(m *sitter.Node) []*jvField {
	var ann jvAnnotations
	static, transient := false, false
	for _, c := range children(m) {
		if c.Type() == "modifiers" {
			ann = r.annotations(c)
			for _, k := range children(c) {
				switch k.Type() {
				case "static":
					static = true
				case "transient":
					transient = true
				}
			}
		}
	}
	typ, args := "", []string(nil)
	if t := m.ChildByFieldName("type"); t != nil {
		typ, args = r.javaType(t)
	}
	var out []*jvField
	for _, d := range namedChildren(m) {
		if d.Type() != "variable_declarator" {
			continue
		}
		name := d.ChildByFieldName("name")
		if name == nil {
			continue
		}
		f := &jvField{name: r.text(name), off: int(name.StartByte()), annotations: ann, static: static, transient: transient, typ: typ, typeArgs: args}
		if v := d.ChildByFieldName("value"); v != nil {
			f.initCall, f.init = r.initializer(v)
		}
		out = append(out, f)
	}
	return out
}

// initializer reads createField(DSL.name("x"), ...) and new T().
func (r *jvReader) initializer(v *sitter.Node) (string, *jvVal) {
	switch v.Type() {
	case "method_invocation":
		name := r.text(v.ChildByFieldName("name"))
		args := namedChildren(v.ChildByFieldName("arguments"))
		if len(args) == 0 {
			return name, nil
		}
		first := args[0]
		// createField(DSL.name("nickname"), ...): the name's last part
		if first.Type() == "method_invocation" && r.text(first.ChildByFieldName("name")) == "name" {
			if inner := namedChildren(first.ChildByFieldName("arguments")); len(inner) > 0 {
				first = inner[len(inner)-1]
			}
		}
		return name, r.value(first, 0)
	case "object_creation_expression":
		if t := v.ChildByFieldName("type"); t != nil {
			n, _ := r.javaType(t)
			return "new " + n, nil
		}
	case "field_access", "identifier":
		return "", r.value(v, 0)
	}
	return "", nil
}

// ctorNames returns the DSL.name("x") strings of this(...)/super(...).
func (r *jvReader) ctorNames(m *sitter.Node) []string {
	var out []string
	body := m.ChildByFieldName("body")
	for _, st := range namedChildren(body) {
		if st.Type() != "explicit_constructor_invocation" {
			continue
		}
		for _, a := range namedChildren(st.ChildByFieldName("arguments")) {
			if a.Type() == "method_invocation" && r.text(a.ChildByFieldName("name")) == "name" {
				if args := namedChildren(a.ChildByFieldName("arguments")); len(args) > 0 {
					if s, ok := r.value(args[len(args)-1], 0).isStr(); ok {
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

func (r *jvReader) javaMethod(m *sitter.Node) *jvMethod {
	jm := &jvMethod{off: int(m.StartByte())}
	if name := m.ChildByFieldName("name"); name != nil {
		jm.name, jm.off = r.text(name), int(name.StartByte())
	}
	for _, c := range children(m) {
		if c.Type() == "modifiers" {
			jm.annotations = r.annotations(c)
		}
	}
	jm.params = len(namedChildren(m.ChildByFieldName("parameters")))
	if t := m.ChildByFieldName("type"); t != nil {
		jm.typ, _ = r.javaType(t)
	}
	return jm
}

// annotations reads the annotations of a modifiers node.
func (r *jvReader) annotations(mods *sitter.Node) jvAnnotations {
	var out jvAnnotations
	for _, a := range namedChildren(mods) {
		if ann := r.annotation(a, 0); ann != nil {
			out = append(out, ann)
		}
	}
	return out
}

func (r *jvReader) annotation(a *sitter.Node, depth int) *jvAnnotation {
	if r.kotlin {
		return r.kotlinAnnotation(a, depth)
	}
	switch a.Type() {
	case "marker_annotation", "annotation":
	default:
		return nil
	}
	ann := &jvAnnotation{name: lastDot(strings.ReplaceAll(r.text(a.ChildByFieldName("name")), " ", "")), args: map[string]*jvVal{}, off: int(a.StartByte())}
	for _, arg := range namedChildren(a.ChildByFieldName("arguments")) {
		if arg.Type() == "element_value_pair" {
			ann.args[r.text(arg.ChildByFieldName("key"))] = r.value(arg.ChildByFieldName("value"), depth+1)
			continue
		}
		ann.args["value"] = r.value(arg, depth+1)
	}
	return ann
}

// value converts a Java or Kotlin annotation argument.
func (r *jvReader) value(n *sitter.Node, depth int) *jvVal {
	v := &jvVal{off: int(n.StartByte())}
	if n == nil || depth > 24 {
		return v
	}
	switch n.Type() {
	case "string_literal", "multiline_string_literal", "text_block":
		r.stringValue(v, n)
	case "binary_expression", "additive_expression":
		// "a" + "b": a concatenation of strings
		var parts []*jvVal
		for _, c := range namedChildren(n) {
			parts = append(parts, r.value(c, depth+1))
		}
		v.kind = jvString
		for _, p := range parts {
			if p.kind != jvString {
				return &jvVal{off: v.off}
			}
			for _, pc := range p.pieces {
				v.pieces = append(v.pieces, jvPiece{len(v.str) + pc.text, pc.file, pc.n})
			}
			v.str += p.str
		}
	case "true", "false":
		v.kind, v.str = jvBool, n.Type()
	case "boolean_literal":
		v.kind, v.str = jvBool, strings.TrimSpace(r.text(n))
	case "decimal_integer_literal", "integer_literal", "long_literal":
		v.kind, v.str = jvNumber, r.text(n)
	case "identifier", "field_access", "scoped_identifier", "simple_identifier", "navigation_expression", "class_literal":
		v.kind, v.str = jvPath, strings.NewReplacer(" ", "", "\n", "", "\t", "").Replace(r.text(n))
	case "element_value_array_initializer", "array_initializer", "collection_literal":
		v.kind = jvArray
		for _, c := range namedChildren(n) {
			v.items = append(v.items, r.value(c, depth+1))
		}
	case "annotation", "marker_annotation":
		v.kind, v.ann = jvAnnot, r.annotation(n, depth+1)
	case "call_expression": // Kotlin: arrayOf(...), or a nested annotation Column(name = "x")
		r.kotlinCallValue(v, n, depth)
	case "parenthesized_expression":
		if k := namedChildren(n); len(k) > 0 {
			return r.value(k[0], depth+1)
		}
	}
	return v
}

// stringValue decodes a string literal (escapes, Java text blocks and
// Kotlin raw strings) and maps its bytes back to the file. A Kotlin
// template with ${...} is not a constant: kind stays jvOther.
func (r *jvReader) stringValue(v *jvVal, n *sitter.Node) {
	var b strings.Builder
	raw := strings.HasPrefix(r.text(n), `"""`)
	for _, c := range children(n) {
		switch c.Type() {
		case "string_fragment", "string_content", "multiline_string_fragment":
			v.pieces = append(v.pieces, jvPiece{b.Len(), int(c.StartByte()), int(c.EndByte() - c.StartByte())})
			b.WriteString(r.text(c))
		case "escape_sequence", "character_escape_seq":
			if raw && r.kotlin {
				b.WriteString(r.text(c))
				continue
			}
			b.WriteString(jsUnescape(r.text(c)))
		case "interpolation", "interpolated_expression", "interpolated_identifier", "string_interpolation":
			return
		}
	}
	v.kind, v.str = jvString, b.String()
}

func (r *jvReader) kotlinCallValue(v *jvVal, n *sitter.Node, depth int) {
	k := namedChildren(n)
	if len(k) < 2 {
		return
	}
	name := r.text(k[0])
	args := namedChildren(firstChildOfType(k[1], "value_arguments"))
	switch name {
	case "arrayOf", "listOf":
		v.kind = jvArray
		for _, a := range args {
			if x := r.kotlinArgValue(a, depth); x != nil {
				v.items = append(v.items, x.val)
			}
		}
	default: // a nested annotation: AttributeOverride(name = "x", column = Column(...))
		ann := &jvAnnotation{name: lastDot(name), args: map[string]*jvVal{}, off: int(n.StartByte())}
		for _, a := range args {
			if x := r.kotlinArgValue(a, depth); x != nil {
				ann.args[x.name] = x.val
			}
		}
		v.kind, v.ann = jvAnnot, ann
	}
}

type kotlinArg struct {
	name string
	val  *jvVal
}

// kotlinArgValue reads `name = value` or a positional value ("value").
func (r *jvReader) kotlinArgValue(a *sitter.Node, depth int) *kotlinArg {
	k := namedChildren(a)
	switch len(k) {
	case 0:
		return nil
	case 1:
		return &kotlinArg{"value", r.value(k[0], depth+1)}
	}
	if k[0].Type() == "simple_identifier" {
		return &kotlinArg{strings.TrimSpace(r.text(k[0])), r.value(k[len(k)-1], depth+1)}
	}
	return &kotlinArg{"value", r.value(k[0], depth+1)}
}

func (r *jvReader) kotlinAnnotation(a *sitter.Node, depth int) *jvAnnotation {
	if a.Type() != "annotation" {
		return nil
	}
	ann := &jvAnnotation{args: map[string]*jvVal{}, off: int(a.StartByte())}
	for _, c := range namedChildren(a) {
		switch c.Type() {
		case "use_site_target":
			// @field:Column, @get:Transient: the target does not change
			// what JPA reads for a field-mapped property, except set:
			// and param: which JPA ignores.
			if t := strings.TrimSuffix(strings.TrimSpace(r.text(c)), ":"); t == "param" || t == "set" || t == "setparam" {
				return nil
			}
		case "user_type":
			ann.name = lastDot(strings.ReplaceAll(r.text(c), " ", ""))
		case "constructor_invocation":
			for _, cc := range namedChildren(c) {
				switch cc.Type() {
				case "user_type":
					ann.name = lastDot(strings.ReplaceAll(r.text(cc), " ", ""))
				case "value_arguments":
					for _, va := range namedChildren(cc) {
						if x := r.kotlinArgValue(va, depth); x != nil {
							ann.args[x.name] = x.val
						}
					}
				}
			}
		}
	}
	if ann.name == "" {
		return nil
	}
	return ann
}

func (r *jvReader) kotlinClass(c *jvClass, n *sitter.Node) {
	for _, ch := range children(n) {
		switch ch.Type() {
		case "interface":
			c.kind = "interface"
		case "enum":
			c.kind = "enum"
		case "type_identifier":
			if c.name == "" {
				c.name, c.off = r.text(ch), int(ch.StartByte())
			}
		case "modifiers":
			c.annotations = r.annotations(ch)
			for _, m := range namedChildren(ch) {
				if m.Type() == "class_modifier" && strings.Contains(r.text(m), "enum") {
					c.kind = "enum"
				}
			}
		case "delegation_specifier":
			name, args, isCall := r.kotlinSupertype(ch)
			if isCall && c.superclass == "" {
				c.superclass, c.superArgs = name, args
			} else {
				c.interfaces = append(c.interfaces, jvType{name, args})
			}
		case "primary_constructor":
			for _, p := range namedChildren(ch) {
				if p.Type() == "class_parameter" {
					if f := r.kotlinParameter(p); f != nil {
						c.fields = append(c.fields, f)
					}
				}
			}
		case "class_body":
			var last *jvField
			for _, m := range namedChildren(ch) {
				switch m.Type() {
				case "property_declaration":
					last = r.kotlinProperty(m)
					if last != nil {
						c.fields = append(c.fields, last)
					}
				case "getter":
					// The grammar puts a getter on the next line beside
					// its property: without an initializer there is no
					// backing field.
					if last != nil && !last.hasInit {
						last.noBacking = true
					}
				case "function_declaration":
					c.methods = append(c.methods, r.kotlinFunction(m))
				}
			}
		}
	}
}

// kotlinSupertype reads a delegation specifier: Base() is a superclass,
// Foo<Bar> an interface.
func (r *jvReader) kotlinSupertype(d *sitter.Node) (string, []string, bool) {
	for _, c := range namedChildren(d) {
		switch c.Type() {
		case "constructor_invocation":
			if u := firstChildOfType(c, "user_type"); u != nil {
				n, a := r.kotlinType(u)
				return n, a, true
			}
		case "user_type":
			n, a := r.kotlinType(c)
			return n, a, false
		}
	}
	return "", nil, false
}

func (r *jvReader) kotlinType(t *sitter.Node) (string, []string) {
	switch t.Type() {
	case "nullable_type":
		if k := namedChildren(t); len(k) > 0 {
			return r.kotlinType(k[0])
		}
	case "user_type":
		name := ""
		var args []string
		for _, c := range namedChildren(t) {
			switch c.Type() {
			case "type_identifier":
				name = r.text(c)
			case "type_arguments":
				for _, p := range namedChildren(c) {
					for _, u := range namedChildren(p) {
						an, _ := r.kotlinType(u)
						args = append(args, an)
					}
				}
			}
		}
		return name, args
	}
	return "", nil
}

func (r *jvReader) kotlinParameter(p *sitter.Node) *jvField {
	f := &jvField{}
	isProp := false
	for _, c := range namedChildren(p) {
		switch c.Type() {
		case "modifiers":
			f.annotations = r.annotations(c)
		case "binding_pattern_kind":
			isProp = true
		case "simple_identifier":
			if f.name == "" {
				f.name, f.off = r.text(c), int(c.StartByte())
			}
		case "user_type", "nullable_type":
			if f.typ == "" {
				f.typ, f.typeArgs = r.kotlinType(c)
			}
		}
	}
	if !isProp || f.name == "" {
		return nil // a plain constructor parameter is not a property
	}
	return f
}

func (r *jvReader) kotlinProperty(m *sitter.Node) *jvField {
	f := &jvField{}
	hasInit, hasGetter := false, false
	for _, c := range namedChildren(m) {
		switch c.Type() {
		case "modifiers":
			f.annotations = r.annotations(c)
			for _, k := range namedChildren(c) {
				if strings.Contains(r.text(k), "lateinit") {
					hasInit = true
				}
				if k.Type() == "property_modifier" && strings.Contains(r.text(k), "const") {
					f.static = true
				}
			}
		case "variable_declaration":
			for _, v := range namedChildren(c) {
				switch v.Type() {
				case "simple_identifier":
					f.name, f.off = r.text(v), int(v.StartByte())
				case "user_type", "nullable_type":
					f.typ, f.typeArgs = r.kotlinType(v)
				}
			}
		case "getter":
			hasGetter = true
		case "property_delegate":
			f.noBacking = true
		default:
			if c.Type() != "binding_pattern_kind" && c.Type() != "setter" && c.Type() != "type_constraints" {
				hasInit = true // an initializer expression
			}
		}
	}
	if hasGetter && !hasInit {
		f.noBacking = true
	}
	f.hasInit = hasInit
	if f.name == "" {
		return nil
	}
	return f
}

func (r *jvReader) kotlinFunction(m *sitter.Node) *jvMethod {
	jm := &jvMethod{off: int(m.StartByte())}
	for _, c := range namedChildren(m) {
		switch c.Type() {
		case "modifiers":
			jm.annotations = r.annotations(c)
		case "simple_identifier":
			if jm.name == "" {
				jm.name, jm.off = r.text(c), int(c.StartByte())
			}
		case "function_value_parameters":
			jm.params = len(namedChildren(c))
		}
	}
	return jm
}
