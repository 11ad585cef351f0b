package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// JPA/Hibernate entities (read by JVM), Java and Kotlin: one reference
// per @Entity class. Usage Model, Columns = every persistent attribute's
// column, mapped superclasses first: a field (Kotlin: a property with a
// backing field) that is not static, not `transient` and not @Transient
// or @Formula; @Column(name) or the field name; @JoinColumn(name) of a
// @ManyToOne or owning @OneToOne, else the field name, "_" and the
// target's id column; the columns of @Embedded/@EmbeddedId/@Embeddable
// types, renamed by @AttributeOverride. @OneToMany, @ManyToMany and
// @ElementCollection are not columns of the entity. Table = @Table(name),
// else the entity name (@Entity(name) or the class name).
//
// Physical names: in a Spring Boot program (it imports
// org.springframework) CamelCaseToUnderscoresNamingStrategy, Spring's
// default, turns every name into snake_case (firstName -> first_name,
// UserProfile -> user_profile), explicit ones included; without Spring,
// or with spring.jpa.hibernate.naming.physical-strategy set to
// PhysicalNamingStrategyStandardImpl, names are used as written (and
// PostgreSQL folds them to lower case). Another physical strategy makes
// the references Ambiguous.
//
// Inheritance: a child of an entity shares the root's table under
// SINGLE_TABLE (the default; the discriminator column, DTYPE by default,
// is the root's), has its own table with the id under JOINED, and its
// own table with every inherited column under TABLE_PER_CLASS.
//
// Hibernate loads and writes every mapped column, so these references
// are certain; marking a field @Transient (or removing it) a release
// before the drop is the staged drop.

type jpaNaming struct {
	spring, unknown bool
}

func (n jpaNaming) physical(name string) string {
	if n.spring {
		return springPhysical(name)
	}
	if len(name) >= 2 && (name[0] == '"' || name[0] == '`') {
		return name[1 : len(name)-1]
	}
	return name
}

// jpaNaming reads the physical naming strategy of the program.
func (p *jvProgram) jpaNaming() jpaNaming {
	n := jpaNaming{spring: p.spring || len(p.config) > 0}
	for _, f := range p.config {
		text := string(f.Text)
		for _, key := range []string{"physical-strategy", "physical_naming_strategy", "physicalNamingStrategy", "physical_strategy"} {
			i := strings.Index(text, key)
			if i < 0 {
				continue
			}
			line := text[i:]
			if nl := strings.IndexByte(line, '\n'); nl >= 0 {
				line = line[:nl]
			}
			switch {
			case strings.Contains(line, "PhysicalNamingStrategyStandardImpl"):
				n.spring = false
			case strings.Contains(line, "CamelCaseToUnderscoresNamingStrategy"), strings.Contains(line, "SpringPhysicalNamingStrategy"):
				n.spring = true
			default:
				n.unknown = true
			}
		}
	}
	return n
}

// jpaEntity is one entity as Hibernate maps it.
type jpaEntity struct {
	c        *jvClass
	name     string // entity name, as JPQL spells it
	table    string
	columns  []string
	fields   map[string]string // attribute path ("address.street") -> column
	rels     map[string]*jvClass
	idField  string
	idColumn string
	root     *jpaEntity // the inheritance root, for children
	strategy string
	discr    string // the root's discriminator column
}

type jpaModel struct {
	p        *jvProgram
	entities map[*jvClass]*jpaEntity
	byName   map[string]*jpaEntity
	list     []*jpaEntity
	busy     map[*jvClass]bool
}

func (p *jvProgram) jpaEntities() *jpaModel {
	m := &jpaModel{p: p, entities: map[*jvClass]*jpaEntity{}, byName: map[string]*jpaEntity{}, busy: map[*jvClass]bool{}}
	for _, f := range p.files {
		for _, c := range f.classes {
			if isJPAEntity(c) {
				if e := m.entity(c); e != nil {
					m.list = append(m.list, e)
				}
			}
		}
	}
	return m
}

// jpaPackages are where JPA's annotations come from.
var jpaPackages = []string{"javax.persistence", "jakarta.persistence", "org.hibernate.annotations"}

// isJPAEntity reports a class annotated with JPA's @Entity: imported from
// javax/jakarta.persistence (or Hibernate), by name or on a wildcard
// import. Morphia's, Objectify's or Micronaut Data's @Entity is another
// annotation and maps no table.
func isJPAEntity(c *jvClass) bool {
	if c.kind != "class" || c.annotations.get("Entity") == nil {
		return false
	}
	f := c.file
	from := func(q string) bool {
		for _, p := range jpaPackages {
			if q == p || strings.HasPrefix(q, p+".") {
				return true
			}
		}
		return false
	}
	if q, ok := f.imports["Entity"]; ok {
		return from(q)
	}
	for _, w := range f.wildcards {
		if from(w) {
			return true
		}
	}
	// Written qualified (@jakarta.persistence.Entity) or imported in a
	// way we do not read: decide by the other JPA annotations in use.
	return strings.Contains(string(f.f.Text), "persistence.")
}

// entity builds (once) the entity of an @Entity class.
func (m *jpaModel) entity(c *jvClass) *jpaEntity {
	if e, ok := m.entities[c]; ok {
		return e
	}
	if m.busy[c] {
		return nil
	}
	m.busy[c] = true
	defer delete(m.busy, c)
	n := m.p.naming
	e := &jpaEntity{c: c, name: c.name, fields: map[string]string{}, rels: map[string]*jvClass{}}
	if s, ok := c.annotations.get("Entity").arg("name").isStr(); ok && s != "" {
		e.name = s
	}
	e.table = n.physical(e.name)
	if t := c.annotations.get("Table"); t != nil {
		if s, ok := t.arg("name").isStr(); ok && s != "" {
			e.table = n.physical(s)
		}
		if s, ok := t.arg("schema").isStr(); ok && s != "" {
			e.table = n.physical(s) + "." + e.table
		}
	}
	// The entity above this one, if any, decides the inheritance.
	var parent *jpaEntity
	for sc, depth := m.p.class(c.file, c.superclass), 0; sc != nil && depth < 16; sc, depth = m.p.class(sc.file, sc.superclass), depth+1 {
		if isJPAEntity(sc) {
			parent = m.entity(sc)
			break
		}
	}
	if parent != nil {
		root := parent
		if parent.root != nil {
			root = parent.root
		}
		e.root, e.strategy = root, root.strategy
		e.idField, e.idColumn = root.idField, root.idColumn
		for k, v := range parent.rels {
			e.rels[k] = v
		}
		switch e.strategy {
		case "JOINED":
			col := root.idColumn
			if pk, ok := c.annotations.get("PrimaryKeyJoinColumn").arg("name").isStr(); ok && pk != "" {
				col = n.physical(pk)
			}
			e.columns = []string{col}
			e.fields[root.idField] = col
			m.collect(e, c, 0, false)
		case "TABLE_PER_CLASS":
			e.columns = append([]string(nil), parent.columns...)
			for k, v := range parent.fields {
				e.fields[k] = v
			}
			m.collect(e, c, 0, false)
		default: // SINGLE_TABLE
			e.table = root.table
			e.columns = append([]string(nil), parent.columns...)
			for k, v := range parent.fields {
				e.fields[k] = v
			}
			m.collect(e, c, 0, false)
			if !refs.ContainsFold(root.columns, root.discr) {
				root.columns = append(root.columns, root.discr)
			}
			e.columns = uniq(e.columns, root.discr)
		}
	} else {
		e.strategy = "SINGLE_TABLE"
		if in := c.annotations.get("Inheritance"); in != nil {
			if s := in.arg("strategy").pathName(); s != "" {
				e.strategy = s
			}
		}
		e.discr = n.physical("DTYPE")
		if d := c.annotations.get("DiscriminatorColumn"); d != nil {
			if s, ok := d.arg("name").isStr(); ok && s != "" {
				e.discr = n.physical(s)
			}
			e.columns = append(e.columns, e.discr)
		}
		m.collect(e, c, 0, true)
		if c.annotations.get("Inheritance") != nil && e.strategy == "SINGLE_TABLE" {
			e.columns = uniq(e.columns, e.discr)
		}
	}
	if e.idField == "" {
		e.idField, e.idColumn = "id", n.physical("id")
	}
	m.entities[c] = e
	m.byName[e.name] = e
	if e.name != c.name {
		m.byName[c.name] = e
	}
	return e
}

// collect adds the columns of class c (and, with supers, of the mapped
// superclasses above it) to e.
func (m *jpaModel) collect(e *jpaEntity, c *jvClass, depth int, supers bool) {
	if depth > 16 {
		return
	}
	if supers {
		if sc := m.p.class(c.file, c.superclass); sc != nil && sc.annotations.get("Entity") == nil && sc != c {
			m.collect(e, sc, depth+1, true)
		}
	}
	for _, f := range m.attributes(c) {
		m.attribute(e, c, f, depth)
	}
}

// attributes returns the persistent attributes of a class: its fields,
// or with property access (@Id on a getter) its annotated getters.
func (m *jpaModel) attributes(c *jvClass) []*jvField {
	fieldAccess := false
	for _, f := range c.fields {
		if f.annotations.get("Id", "EmbeddedId") != nil {
			fieldAccess = true
		}
	}
	propertyAccess := false
	if !fieldAccess {
		for _, mt := range c.methods {
			if mt.annotations.get("Id", "EmbeddedId") != nil {
				propertyAccess = true
			}
		}
	}
	if a := c.annotations.get("Access"); a != nil {
		propertyAccess = a.arg("value").pathName() == "PROPERTY"
	}
	if !propertyAccess {
		return c.fields
	}
	var out []*jvField
	for _, mt := range c.methods {
		name := ""
		switch {
		case strings.HasPrefix(mt.name, "get") && len(mt.name) > 3:
			name = mt.name[3:]
		case strings.HasPrefix(mt.name, "is") && len(mt.name) > 2:
			name = mt.name[2:]
		}
		if name == "" || mt.params != 0 {
			continue
		}
		name = strings.ToLower(name[:1]) + name[1:]
		out = append(out, &jvField{name: name, off: mt.off, annotations: mt.annotations, typ: mt.typ})
	}
	return out
}

var jpaNotColumns = []string{"Transient", "Formula", "OneToMany", "ManyToMany", "ElementCollection"}

func (m *jpaModel) attribute(e *jpaEntity, owner *jvClass, f *jvField, depth int) {
	if f.static || f.transient || f.noBacking || f.annotations.get(jpaNotColumns...) != nil {
		if t := f.annotations.get("OneToMany", "ManyToMany"); t != nil {
			e.rels[f.name] = m.relTarget(owner, f, t)
		}
		return
	}
	n := m.p.naming
	attr := f.name
	if rel := f.annotations.get("ManyToOne", "OneToOne"); rel != nil {
		target := m.relTarget(owner, f, rel)
		e.rels[attr] = target
		if rel.name == "OneToOne" {
			if s, ok := rel.arg("mappedBy").isStr(); ok && s != "" {
				return
			}
		}
		var specs []*jvAnnotation
		if jc := f.annotations.get("JoinColumn"); jc != nil {
			specs = append(specs, jc)
		}
		if jcs := f.annotations.get("JoinColumns"); jcs != nil {
			for _, v := range jcs.arg("value").list() {
				if v.ann != nil {
					specs = append(specs, v.ann)
				}
			}
		}
		if len(specs) == 0 {
			specs = []*jvAnnotation{nil}
		}
		for _, s := range specs {
			col := ""
			if name, ok := s.arg("name").isStr(); ok && name != "" {
				col = n.physical(name)
			} else {
				refCol := "id"
				if rc, ok := s.arg("referencedColumnName").isStr(); ok && rc != "" {
					refCol = rc
				} else if target != nil && target != owner {
					if te := m.entity(target); te != nil {
						refCol = te.idColumn
					}
				}
				col = n.physical(f.name + "_" + refCol)
			}
			if _, ok := e.fields[attr]; !ok {
				e.fields[attr] = col
			}
			e.columns = uniq(e.columns, col)
		}
		return
	}
	typ := m.p.class(owner.file, f.typ)
	if f.annotations.get("Embedded", "EmbeddedId") != nil || typ != nil && typ.annotations.get("Embeddable") != nil {
		if typ == nil {
			return
		}
		ov := map[string]string{}
		for _, a := range f.annotations {
			switch a.name {
			case "AttributeOverride":
				jpaOverride(ov, a)
			case "AttributeOverrides":
				for _, v := range a.arg("value").list() {
					if v.ann != nil {
						jpaOverride(ov, v.ann)
					}
				}
			}
		}
		sub := &jpaEntity{fields: map[string]string{}, rels: map[string]*jvClass{}}
		m.collect(sub, typ, depth+1, true)
		rename := map[string]string{}
		for k, v := range sub.fields {
			if o, ok := ov[k]; ok {
				rename[v] = n.physical(o)
				v = rename[v]
			}
			e.fields[attr+"."+k] = v
		}
		for _, col := range sub.columns {
			if r, ok := rename[col]; ok {
				col = r
			}
			e.columns = uniq(e.columns, col)
		}
		if f.annotations.get("EmbeddedId") != nil && e.idField == "" {
			e.idField = attr
		}
		return
	}
	col := n.physical(f.name)
	if c := f.annotations.get("Column"); c != nil {
		if s, ok := c.arg("name").isStr(); ok && s != "" {
			col = n.physical(s)
		}
	}
	e.fields[attr] = col
	e.columns = uniq(e.columns, col)
	if f.annotations.get("Id") != nil && e.idField == "" {
		e.idField, e.idColumn = attr, col
	}
}

func jpaOverride(ov map[string]string, a *jvAnnotation) {
	name, ok := a.arg("name").isStr()
	col := a.arg("column")
	if !ok || col == nil || col.ann == nil {
		return
	}
	if s, ok := col.ann.arg("name").isStr(); ok && s != "" {
		ov[name] = s
	}
}

// relTarget returns the class a relation points at: targetEntity, the
// field type, or a collection's element type.
func (m *jpaModel) relTarget(owner *jvClass, f *jvField, rel *jvAnnotation) *jvClass {
	if t := rel.arg("targetEntity"); t != nil && t.kind == jvPath {
		return m.p.class(owner.file, strings.TrimSuffix(strings.TrimSuffix(t.str, ".class"), "::class"))
	}
	typ := f.typ
	if len(f.typeArgs) > 0 {
		typ = f.typeArgs[len(f.typeArgs)-1]
	}
	return m.p.class(owner.file, typ)
}

// references returns the entities' model references.
func (m *jpaModel) references() []refs.Reference {
	var out []refs.Reference
	for _, e := range m.list {
		r := newRef(e.c.file.f, refs.JPA, e.c.off, e.table)
		r.Columns = e.columns
		if m.p.naming.unknown {
			r.Certainty = refs.Ambiguous
		}
		out = append(out, r)
	}
	return out
}
