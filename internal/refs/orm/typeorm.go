package orm

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// TypeORM entities (read by JavaScript): one reference per class
// decorated with TypeORM's @Entity (or @ChildEntity), and per
// `new EntitySchema({...})`. Usage Model, Columns = every column the
// entity loads and writes, in declaration order, base classes first:
// @Column, @PrimaryColumn, @PrimaryGeneratedColumn, @CreateDateColumn,
// @UpdateDateColumn, @DeleteDateColumn and @VersionColumn fields, the
// columns of embedded classes (@Column(() => Name), prefixed as TypeORM
// does), and the join columns of @ManyToOne and owning @OneToOne
// relations (@JoinColumn's name, else the property name and the
// target's primary column camel-cased: companyId).
//
// Names follow the data source's naming strategy: TypeORM's default
// (table: the class name snake_cased, column: the property name) or
// typeorm-naming-strategies' SnakeNamingStrategy when the program
// constructs one. Another strategy leaves the names unknown: the
// references are then Ambiguous.
//
// TypeORM still inserts a `select: false` column (DEFAULT when the
// property is unset): such a column is listed in Ignored (not loaded)
// and in Columns, and gets its own Insert reference at the property, so
// dropping it is still an error; with `insert: false` and
// `update: false` too, or with the property removed, the column is not
// used and a drop passes. An owning @ManyToMany's @JoinTable is its own
// model reference. Properties without a TypeORM decorator (DTO fields,
// GraphQL @Field, class-validator rules) are not columns, and classes
// without @Entity are not entities.

var typeormColumnDecorators = map[string]bool{
	"Column": true, "PrimaryColumn": true, "PrimaryGeneratedColumn": true, "CreateDateColumn": true,
	"UpdateDateColumn": true, "DeleteDateColumn": true, "VersionColumn": true,
}

// typeormNaming is the data source's naming strategy.
type typeormNaming struct {
	snake   bool // SnakeNamingStrategy
	unknown bool // a strategy whose names we cannot compute
}

func (n typeormNaming) table(className, custom string) string {
	if custom != "" {
		return custom
	}
	return typeormSnake(className)
}

func (n typeormNaming) column(prop, custom string, prefixes []string) string {
	if n.snake {
		name := custom
		if name == "" {
			name = typeormSnake(prop)
		}
		if len(prefixes) == 0 {
			return name
		}
		return typeormSnake(strings.Join(prefixes, "_")+"_") + name
	}
	name := custom
	if name == "" {
		name = prop
	}
	if len(prefixes) > 0 {
		return typeormCamel(strings.Join(prefixes, "_")) + typeormTitle(name)
	}
	return name
}

func (n typeormNaming) joinColumn(relation, referenced string) string {
	if n.snake {
		return typeormSnake(relation + "_" + referenced)
	}
	return typeormCamel(relation + "_" + referenced)
}

func (n typeormNaming) joinTable(first, second, prop string) string {
	return typeormSnake(first + "_" + strings.ReplaceAll(prop, ".", "_") + "_" + second)
}

func (n typeormNaming) joinTableColumn(table, prop, column string) string {
	name := column
	if name == "" {
		name = prop
	}
	if n.snake {
		return typeormSnake(table + "_" + name)
	}
	return typeormCamel(table + "_" + name)
}

// typeormEntity is one entity as TypeORM maps it.
type typeormEntity struct {
	file     *jsFile
	off      int
	name     string // class name, or the EntitySchema's name
	class    *jsClass
	table    string // schema-qualified when a schema is set
	columns  []string
	ignored  []string
	inserted []typeormField // select: false columns that are still inserted
	props    map[string]string
	rels     map[string]typeormRelation
	primary  string // the primary column's property name
	primCol  string // and its column
	joins    []typeormJoinTable
	child    bool // a @ChildEntity stored in its parent's table
	root     *typeormEntity
}

type typeormField struct {
	column string
	off    int
}

type typeormRelation struct {
	target string // class or entity name
	from   *jsFile
}

// typeormJoinTable is the junction table of an owning @ManyToMany.
type typeormJoinTable struct {
	name      string // @JoinTable's name, "" for the default
	off       int
	target    string
	prop      string
	owner     *typeormEntity
	joinCol   string
	inverseCo string
}

// typeormModel is every entity of the program.
type typeormModel struct {
	naming   typeormNaming
	entities map[*jsClass]*typeormEntity
	byName   map[string]*typeormEntity
	schemas  []*typeormEntity
}

// importedFrom returns the module a decorator's name was imported from.
func importedFrom(f *jsFile, d jsDecorator) string {
	head, _, _ := strings.Cut(d.path, ".")
	return f.imports[head].module
}

// decoratorLibrary names the library a decorator comes from, by import:
// "typeorm", "mikro-orm", "sequelize" or "" when unknown.
func decoratorLibrary(f *jsFile, d jsDecorator) string {
	m := importedFrom(f, d)
	switch {
	case m == "typeorm" || strings.HasPrefix(m, "typeorm/"):
		return "typeorm"
	case strings.HasPrefix(m, "@mikro-orm/"):
		return "mikro-orm"
	case m == "sequelize-typescript":
		return "sequelize"
	case m != "":
		return "other:" + m
	}
	return ""
}

// entityLibrary decides which ORM an @Entity class belongs to: by the
// import of @Entity, else by the field decorators it uses.
func entityLibrary(f *jsFile, c *jsClass) string {
	d := c.decorator("Entity", "ChildEntity")
	if d == nil {
		return ""
	}
	if lib := decoratorLibrary(f, *d); lib == "typeorm" || lib == "mikro-orm" {
		return lib
	} else if lib != "" {
		return ""
	}
	for _, fl := range c.fields {
		for _, fd := range fl.decorators {
			switch {
			case typeormColumnDecorators[fd.name]:
				return "typeorm"
			case fd.name == "Property" || fd.name == "PrimaryKey":
				return "mikro-orm"
			}
		}
	}
	return "typeorm"
}

func (p *jsProgram) typeormEntities() *typeormModel {
	if p.typeormModel != nil {
		return p.typeormModel
	}
	m := &typeormModel{entities: map[*jsClass]*typeormEntity{}, byName: map[string]*typeormEntity{}}
	p.typeormModel = m
	m.naming = p.typeormNaming()
	for _, f := range p.files {
		for _, c := range f.classes {
			if entityLibrary(f, c) == "typeorm" {
				m.entity(p, jsClassRef{c, f})
			}
		}
	}
	for _, f := range p.files {
		for _, site := range f.calls {
			if site.val.kind == jsNew && site.val.method == "EntitySchema" {
				if e := m.schemaEntity(f, site.val); e != nil {
					m.schemas = append(m.schemas, e)
					m.byName[e.name] = e
				}
			}
		}
	}
	return m
}

// typeormNaming finds the naming strategy the program configures.
func (p *jsProgram) typeormNaming() typeormNaming {
	used, unknown := p.namingStrategies("typeorm", "DefaultNamingStrategy", "SnakeNamingStrategy")
	return typeormNaming{snake: used["SnakeNamingStrategy"], unknown: unknown}
}

var reNamingStrategy = regexp.MustCompile(`namingStrategy\s*:\s*(?:new\s+)?([A-Za-z_$][\w$.]*)`)

// namingStrategies reads the namingStrategy option that files mentioning
// a library set (in a data source, a config object, a module's options)
// from their text, since configuration objects are often not arguments of
// any call: which known strategies are used, and whether another one is.
func (p *jsProgram) namingStrategies(library string, known ...string) (map[string]bool, bool) {
	used, unknown := map[string]bool{}, false
	for _, f := range p.files {
		if !bytes.Contains(f.f.Text, []byte(library)) {
			continue
		}
		for _, m := range reNamingStrategy.FindAllSubmatch(f.f.Text, -1) {
			name := lastDot(string(m[1]))
			if slices.Contains(known, name) {
				used[name] = true
			} else {
				unknown = true
			}
		}
	}
	return used, unknown
}

// entity builds (once) the entity of an @Entity or @ChildEntity class.
func (m *typeormModel) entity(p *jsProgram, ref jsClassRef) *typeormEntity {
	if e, ok := m.entities[ref.c]; ok {
		return e
	}
	e := &typeormEntity{file: ref.file, off: ref.c.off, name: ref.c.name, class: ref.c,
		props: map[string]string{}, rels: map[string]typeormRelation{}}
	m.entities[ref.c] = e
	m.byName[ref.c.name] = e
	custom, schema := "", ""
	if d := ref.c.decorator("Entity"); d != nil {
		for _, a := range d.args {
			if s, ok := a.isStr(); ok {
				custom = s
			}
			if s, ok := a.get("name").isStr(); ok {
				custom = s
			}
			if s, ok := a.get("schema").isStr(); ok {
				schema = s
			}
		}
	}
	e.table = m.naming.table(ref.c.name, custom)
	if schema != "" {
		e.table = schema + "." + e.table
	}
	seen := map[*jsClass]bool{}
	m.collect(p, e, ref, nil, seen, 0)
	if ref.c.decorator("ChildEntity") != nil {
		if root := m.inheritanceRoot(p, ref, 0); root != nil && root != e {
			e.child = true
			e.root = root
			e.table = root.table
			cols := append([]string(nil), root.columns...)
			e.columns = uniq(cols, e.columns...)
		}
	}
	if d := ref.c.decorator("TableInheritance"); d != nil {
		col := "type"
		for _, a := range d.args {
			if s, ok := a.get("column").get("name").isStr(); ok {
				col = s
			}
		}
		e.columns = uniq(e.columns, col)
	}
	if e.primary == "" {
		e.primary, e.primCol = "id", m.naming.column("id", "", nil)
	}
	return e
}

// inheritanceRoot returns the @Entity with @TableInheritance above a
// @ChildEntity.
func (m *typeormModel) inheritanceRoot(p *jsProgram, ref jsClassRef, depth int) *typeormEntity {
	if depth > 16 || ref.c.extends == "" {
		return nil
	}
	parent, ok := p.class(ref.file, ref.c.extends)
	if !ok {
		return nil
	}
	if parent.c.decorator("TableInheritance") != nil && parent.c.decorator("Entity") != nil {
		return m.entity(p, parent)
	}
	return m.inheritanceRoot(p, parent, depth+1)
}

// collect adds the columns of a class and its superclasses to e.
func (m *typeormModel) collect(p *jsProgram, e *typeormEntity, ref jsClassRef, prefixes []string, seen map[*jsClass]bool, depth int) {
	if depth > 16 || seen[ref.c] {
		return
	}
	seen[ref.c] = true
	defer delete(seen, ref.c)
	if ref.c.extends != "" && ref.c.decorator("ChildEntity") == nil {
		if base, ok := p.class(ref.file, ref.c.extends); ok {
			m.collect(p, e, base, prefixes, seen, depth+1)
		}
	}
	for _, fl := range ref.c.fields {
		if fl.static || fl.param {
			continue
		}
		m.field(p, e, ref, fl, prefixes, seen, depth)
	}
}

func optionsArg(args []*jsVal) *jsVal {
	for _, a := range args {
		if a.kind == jsObject {
			return a
		}
	}
	return nil
}

func (m *typeormModel) field(p *jsProgram, e *typeormEntity, ref jsClassRef, fl *jsField, prefixes []string, seen map[*jsClass]bool, depth int) {
	var colDec, relDec, joinCol, joinTable *jsDecorator
	for i := range fl.decorators {
		d := &fl.decorators[i]
		switch {
		case typeormColumnDecorators[d.name]:
			colDec = d
		case d.name == "ManyToOne" || d.name == "OneToOne" || d.name == "ManyToMany" || d.name == "OneToMany":
			relDec = d
		case d.name == "JoinColumn":
			joinCol = d
		case d.name == "JoinTable":
			joinTable = d
		}
	}
	propPath := strings.Join(append(append([]string(nil), prefixes...), fl.name), ".")
	switch {
	case colDec != nil:
		opts := optionsArg(colDec.args)
		if colDec.name == "Column" && len(colDec.args) > 0 && colDec.args[0].kind == jsFunc {
			// An embedded class: its columns, prefixed.
			inner := colDec.args[0].target()
			prefix := fl.name
			if pv := opts.get("prefix"); pv != nil {
				if s, ok := pv.isStr(); ok {
					prefix = s
				} else if pv.isFalse() {
					prefix = ""
				}
			}
			if cls, ok := p.class(ref.file, inner); ok {
				np := append([]string(nil), prefixes...)
				if prefix != "" {
					np = append(np, prefix)
				}
				m.collect(p, e, cls, np, seen, depth+1)
			}
			return
		}
		custom, _ := opts.get("name").isStr()
		col := m.naming.column(fl.name, custom, prefixes)
		e.props[propPath] = col
		if (colDec.name == "PrimaryColumn" || colDec.name == "PrimaryGeneratedColumn" || opts.get("primary").isTrue()) && e.primary == "" {
			e.primary, e.primCol = propPath, col
		}
		if opts.get("select").isFalse() {
			e.ignored = uniq(e.ignored, col)
			if opts.get("insert").isFalse() && opts.get("update").isFalse() {
				return
			}
			e.inserted = append(e.inserted, typeormField{col, fl.off})
		}
		e.columns = uniq(e.columns, col)
	case relDec != nil:
		target := ""
		if len(relDec.args) > 0 {
			target = relDec.args[0].target()
			if s, ok := relDec.args[0].isStr(); ok {
				target = s
			}
		}
		e.rels[propPath] = typeormRelation{target: target, from: ref.file}
		switch {
		case relDec.name == "ManyToOne" || relDec.name == "OneToOne" && joinCol != nil:
			for _, c := range m.joinColumns(p, ref.file, fl.name, target, joinCol, prefixes) {
				e.columns = uniq(e.columns, c)
				if _, ok := e.props[propPath]; !ok {
					e.props[propPath] = c
				}
			}
		case relDec.name == "ManyToMany" && joinTable != nil:
			jt := typeormJoinTable{off: fl.off, target: target, prop: fl.name, owner: e}
			if opts := optionsArg(joinTable.args); opts != nil {
				if s, ok := opts.get("name").isStr(); ok {
					jt.name = s
				}
				jt.joinCol, _ = opts.get("joinColumn").get("name").isStr()
				jt.inverseCo, _ = opts.get("inverseJoinColumn").get("name").isStr()
			}
			e.joins = append(e.joins, jt)
		}
	}
}

// joinColumns returns the columns of a @ManyToOne or owning @OneToOne.
func (m *typeormModel) joinColumns(p *jsProgram, f *jsFile, prop, target string, jc *jsDecorator, prefixes []string) []string {
	var specs []*jsVal
	if jc != nil {
		for _, a := range jc.args {
			switch a.kind {
			case jsObject:
				specs = append(specs, a)
			case jsArray:
				specs = append(specs, a.vals...)
			}
		}
	}
	if len(specs) == 0 {
		specs = []*jsVal{nil}
	}
	var out []string
	for _, s := range specs {
		if name, ok := s.get("name").isStr(); ok {
			out = append(out, name)
			continue
		}
		refProp, _ := s.get("referencedColumnName").isStr()
		if refProp == "" {
			refProp = "id"
			if cls, ok := p.class(f, target); ok {
				if te := m.entities[cls.c]; te != nil && te.primary != "" {
					refProp = te.primary
				}
			}
		}
		name := m.naming.joinColumn(fl(prefixes, prop), refProp)
		out = append(out, name)
	}
	return out
}

// fl joins embedded prefixes and a property name the way TypeORM names a
// relation inside an embedded class.
func fl(prefixes []string, prop string) string {
	if len(prefixes) == 0 {
		return prop
	}
	return strings.Join(prefixes, "_") + "_" + prop
}

// schemaEntity reads `new EntitySchema({ name, tableName, columns, relations })`.
func (m *typeormModel) schemaEntity(f *jsFile, v *jsVal) *typeormEntity {
	opts := v.arg(0)
	if opts == nil || opts.kind != jsObject {
		return nil
	}
	name, _ := opts.get("name").isStr()
	if name == "" {
		name = opts.get("target").target()
	}
	cols := opts.get("columns")
	if name == "" || cols == nil || cols.kind != jsObject {
		return nil
	}
	custom, _ := opts.get("tableName").isStr()
	e := &typeormEntity{file: f, off: v.off, name: name, props: map[string]string{}, rels: map[string]typeormRelation{}}
	e.table = m.naming.table(name, custom)
	if s, ok := opts.get("schema").isStr(); ok {
		e.table = s + "." + e.table
	}
	for i, k := range cols.keys {
		c := cols.vals[i]
		cn, _ := c.get("name").isStr()
		col := m.naming.column(k, cn, nil)
		e.props[k] = col
		if c.get("primary").isTrue() && e.primary == "" {
			e.primary, e.primCol = k, col
		}
		if c.get("select").isFalse() {
			e.ignored = uniq(e.ignored, col)
			if c.get("insert").isFalse() && c.get("update").isFalse() {
				continue
			}
			e.inserted = append(e.inserted, typeormField{col, cols.koffs[i]})
		}
		e.columns = uniq(e.columns, col)
	}
	if rels := opts.get("relations"); rels != nil && rels.kind == jsObject {
		for i, k := range rels.keys {
			r := rels.vals[i]
			typ, _ := r.get("type").isStr()
			target, _ := r.get("target").isStr()
			if target == "" {
				target = r.get("target").target()
			}
			e.rels[k] = typeormRelation{target: target, from: f}
			jc := r.get("joinColumn")
			if typ != "many-to-one" && (typ != "one-to-one" || jc == nil) {
				continue
			}
			col, _ := jc.get("name").isStr()
			if col == "" {
				ref, _ := jc.get("referencedColumnName").isStr()
				if ref == "" {
					ref = "id"
				}
				col = m.naming.joinColumn(k, ref)
			}
			e.props[k] = col
			e.columns = uniq(e.columns, col)
		}
	}
	if e.primary == "" {
		e.primary, e.primCol = "id", m.naming.column("id", "", nil)
	}
	return e
}

// lookup finds the entity a name used in file f refers to: a class, or
// an EntitySchema's name.
func (m *typeormModel) lookup(p *jsProgram, f *jsFile, name string) *typeormEntity {
	if name == "" {
		return nil
	}
	if cls, ok := p.class(f, name); ok {
		if e := m.entities[cls.c]; e != nil {
			return e
		}
	}
	return m.byName[lastDot(name)]
}

// typeorm returns the references of TypeORM entities and queries.
func (p *jsProgram) typeorm() []refs.Reference {
	m := p.typeormEntities()
	var out []refs.Reference
	emit := func(e *typeormEntity) {
		r := fileRef(e.file, refs.TypeORM, e.off, e.table)
		r.Columns = e.columns
		r.Ignored = e.ignored
		if m.naming.unknown {
			r.Certainty = refs.Ambiguous
		}
		out = append(out, r)
		for _, w := range e.inserted {
			out = append(out, m.certain(columnRef(e.file.f, refs.TypeORM, w.off, e.table, w.column, refs.Insert, refs.Resolved)))
		}
		for _, jt := range e.joins {
			if r, ok := m.joinTableRef(p, jt); ok {
				out = append(out, r)
			}
		}
	}
	for _, f := range p.files {
		for _, c := range f.classes {
			if e := m.entities[c]; e != nil {
				emit(e)
			}
		}
	}
	for _, e := range m.schemas {
		emit(e)
	}
	return append(out, m.queries(p)...)
}

// certain downgrades a reference when the naming strategy is unknown.
func (m *typeormModel) certain(r refs.Reference) refs.Reference {
	if m.naming.unknown && r.Certainty == refs.Resolved {
		r.Certainty = refs.Ambiguous
	}
	return r
}

func (m *typeormModel) joinTableRef(p *jsProgram, jt typeormJoinTable) (refs.Reference, bool) {
	owner := jt.owner
	target := m.lookup(p, owner.file, jt.target)
	name := jt.name
	if name == "" {
		if target == nil {
			return refs.Reference{}, false
		}
		name = m.naming.joinTable(bareTable(owner.table), bareTable(target.table), jt.prop)
	}
	cols := []string{jt.joinCol, jt.inverseCo}
	if cols[0] == "" {
		cols[0] = m.naming.joinTableColumn(bareTable(owner.table), owner.primary, owner.primCol)
	}
	if cols[1] == "" {
		if target == nil {
			cols = cols[:1]
		} else {
			cols[1] = m.naming.joinTableColumn(bareTable(target.table), target.primary, target.primCol)
		}
	}
	r := fileRef(owner.file, refs.TypeORM, jt.off, name)
	r.Columns = cols
	return m.certain(r), true
}

func bareTable(t string) string {
	_, name := splitSchema(t)
	return name
}
