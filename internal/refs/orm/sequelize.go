package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/refs"
)

// Sequelize models (read by JavaScript): one reference per model defined
// with Model.init({...}, {...}), sequelize.define("Name", {...}, {...})
// or sequelize-typescript's @Table class. Usage Model, Columns = the
// columns Sequelize selects and writes: "id" unless an attribute is the
// primary key, every attribute's `field:` or name (snake_cased with
// `underscored: true`, as inflection.underscore does), the timestamps
// createdAt and updatedAt unless `timestamps: false` (deletedAt with
// `paranoid: true`; renamed or disabled by the createdAt/updatedAt/
// deletedAt options), and the foreign keys belongsTo, hasOne and hasMany
// add (`foreignKey:`, else the target's singular name and primary key
// camel-cased: CompanyId). VIRTUAL attributes are not columns. Table =
// `tableName:`, else the model name pluralized (snake_cased with
// `underscored`), or the model name with `freezeTableName`. The options
// of `new Sequelize(..., { define: {...} })` are every model's defaults.
//
// Queries: attributes, where keys, order and group of findAll, findOne,
// findAndCountAll, findByPk, count, update, destroy and increment calls
// on a model are column references (an attribute the model does not
// define is sent as written). A staged drop removes the attribute from
// the model: Sequelize then neither selects nor writes it.

type sequelizeModel struct {
	file        *jsFile
	off         int
	name        string // model name
	class       *jsClass
	varName     string
	table       string
	underscored bool
	columns     []string
	fields      map[string]string // attribute -> column
	hasPK       bool
	pkAttr      string
}

type sequelizeModels struct {
	list    []*sequelizeModel
	byName  map[string]*sequelizeModel // model name
	byClass map[*jsClass]*sequelizeModel
	byVar   map[string]*sequelizeModel
}

// sequelizeDefaults are the options every model starts from.
type sequelizeOptions struct {
	underscored, freeze, paranoid bool
	timestamps                    bool
	createdAt, updatedAt          *jsVal
	deletedAt                     *jsVal
	tableName, modelName, schema  string
}

func (o *sequelizeOptions) apply(v *jsVal) {
	if v == nil || v.kind != jsObject {
		return
	}
	for i, k := range v.keys {
		val := v.vals[i]
		switch k {
		case "underscored":
			o.underscored = val.isTrue()
		case "freezeTableName":
			o.freeze = val.isTrue()
		case "paranoid":
			o.paranoid = val.isTrue()
		case "timestamps":
			o.timestamps = !val.isFalse()
		case "createdAt":
			o.createdAt = val
		case "updatedAt":
			o.updatedAt = val
		case "deletedAt":
			o.deletedAt = val
		case "tableName":
			o.tableName, _ = val.isStr()
		case "modelName":
			o.modelName, _ = val.isStr()
		case "schema":
			o.schema, _ = val.isStr()
		}
	}
}

func (p *jsProgram) sequelizeModels() *sequelizeModels {
	if p.sequelizeSet != nil {
		return p.sequelizeSet
	}
	s := &sequelizeModels{byName: map[string]*sequelizeModel{}, byClass: map[*jsClass]*sequelizeModel{}, byVar: map[string]*sequelizeModel{}}
	p.sequelizeSet = s
	defaults := sequelizeOptions{timestamps: true}
	for _, f := range p.files {
		for _, site := range f.calls {
			if v := site.val; v.kind == jsNew && v.method == "Sequelize" {
				for _, a := range v.vals {
					defaults.apply(a.get("define"))
				}
			}
		}
	}
	add := func(m *sequelizeModel) {
		s.list = append(s.list, m)
		s.byName[m.name] = m
		if m.class != nil {
			s.byClass[m.class] = m
		}
		if m.varName != "" {
			s.byVar[m.varName] = m
		}
	}
	for _, f := range p.files {
		if !strings.Contains(string(f.f.Text), "equelize") {
			continue
		}
		for _, site := range f.calls {
			root, calls := site.val.steps()
			if len(calls) != 1 {
				continue
			}
			c := calls[0]
			switch {
			case c.method == "define" && len(c.vals) >= 2 && c.vals[1].kind == jsObject:
				name, ok := c.vals[0].isStr()
				if !ok {
					continue
				}
				opts := defaults
				opts.apply(c.arg(2))
				m := newSequelizeModel(f, c.off, name, opts, c.vals[1])
				m.varName = site.assigned
				add(m)
			case c.method == "init" && len(c.vals) >= 1 && c.vals[0].kind == jsObject && root.ident() != "":
				cls, ok := p.class(f, root.ident())
				if !ok || !extendsSequelizeModel(p, cls) {
					continue
				}
				opts := defaults
				opts.apply(c.arg(1))
				name := opts.modelName
				if name == "" {
					name = cls.c.name
				}
				m := newSequelizeModel(f, cls.c.off, name, opts, c.vals[0])
				m.file, m.class = cls.file, cls.c
				add(m)
			}
		}
	}
	for _, f := range p.files {
		for _, c := range f.classes {
			if d := c.decorator("Table"); d != nil && decoratorLibrary(f, *d) != "typeorm" && hasDecoratedField(c, "Column") {
				opts := defaults
				for _, a := range d.args {
					opts.apply(a)
				}
				name := opts.modelName
				if name == "" {
					name = c.name
				}
				add(typescriptSequelizeModel(f, c, name, opts))
			}
		}
	}
	s.associations(p)
	return s
}

func hasDecoratedField(c *jsClass, name string) bool {
	for _, fl := range c.fields {
		if fl.decorator(name) != nil {
			return true
		}
	}
	return false
}

// extendsSequelizeModel reports a class extending Sequelize's Model.
func extendsSequelizeModel(p *jsProgram, cls jsClassRef) bool {
	for depth := 0; depth < 8 && cls.c.extends != ""; depth++ {
		if lastDot(cls.c.extends) == "Model" {
			return true
		}
		next, ok := p.class(cls.file, cls.c.extends)
		if !ok {
			return false
		}
		cls = next
	}
	return false
}

func sequelizeTable(name string, o sequelizeOptions) string {
	t := o.tableName
	switch {
	case t != "":
	case o.freeze:
		t = name
	case o.underscored:
		t = sequelizeUnderscore(inflect.Default().Pluralize(name))
	default:
		t = inflect.Default().Pluralize(name)
	}
	if o.schema != "" {
		t = o.schema + "." + t
	}
	return t
}

func (m *sequelizeModel) column(attr, field string) string {
	if field != "" {
		return field
	}
	if m.underscored {
		return sequelizeUnderscore(attr)
	}
	return attr
}

// isVirtual reports a DataTypes.VIRTUAL type.
func isVirtual(v *jsVal) bool {
	if v == nil {
		return false
	}
	if v.kind == jsCall {
		return lastDot(v.str) == "VIRTUAL"
	}
	return lastDot(v.ident()) == "VIRTUAL"
}

func newSequelizeModel(f *jsFile, off int, name string, o sequelizeOptions, attrs *jsVal) *sequelizeModel {
	m := &sequelizeModel{file: f, off: off, name: name, underscored: o.underscored, fields: map[string]string{}}
	m.table = sequelizeTable(name, o)
	var cols []string
	for i, k := range attrs.props() {
		def := attrs.vals[i]
		typ := def
		field := ""
		if def.kind == jsObject {
			typ = def.get("type")
			field, _ = def.get("field").isStr()
			if def.get("primaryKey").isTrue() {
				m.hasPK, m.pkAttr = true, k
			}
		}
		if isVirtual(typ) {
			continue
		}
		col := m.column(k, field)
		m.fields[k] = col
		cols = uniq(cols, col)
	}
	m.finish(cols, o)
	return m
}

// finish adds the implicit primary key and the timestamps.
func (m *sequelizeModel) finish(cols []string, o sequelizeOptions) {
	if !m.hasPK {
		m.fields["id"] = "id"
		m.pkAttr = "id"
		cols = append([]string{"id"}, cols...)
	}
	if o.timestamps {
		for _, ts := range []struct {
			name string
			opt  *jsVal
			on   bool
		}{{"createdAt", o.createdAt, true}, {"updatedAt", o.updatedAt, true}, {"deletedAt", o.deletedAt, o.paranoid}} {
			if !ts.on || ts.opt.isFalse() {
				continue
			}
			attr := ts.name
			if s, ok := ts.opt.isStr(); ok && s != "" {
				attr = s
			}
			if _, ok := m.fields[attr]; ok {
				cols = uniq(cols, m.fields[attr])
				continue
			}
			col := m.column(attr, "")
			m.fields[attr] = col
			cols = uniq(cols, col)
		}
	}
	m.columns = cols
}

// typescriptSequelizeModel reads a sequelize-typescript @Table class.
func typescriptSequelizeModel(f *jsFile, c *jsClass, name string, o sequelizeOptions) *sequelizeModel {
	m := &sequelizeModel{file: f, off: c.off, name: name, class: c, underscored: o.underscored, fields: map[string]string{}}
	m.table = sequelizeTable(name, o)
	var cols []string
	for _, fl := range c.fields {
		if fl.static {
			continue
		}
		col := fl.decorator("Column")
		// @CreatedAt, @UpdatedAt and @DeletedAt name the timestamp
		// attributes as the createdAt/updatedAt/deletedAt options do.
		attr := &jsVal{kind: jsString, str: fl.name}
		if fl.decorator("CreatedAt") != nil {
			o.createdAt = attr
		}
		if fl.decorator("UpdatedAt") != nil {
			o.updatedAt = attr
		}
		if fl.decorator("DeletedAt") != nil {
			o.deletedAt, o.paranoid = attr, true
		}
		if col == nil {
			continue
		}
		field := ""
		var typ *jsVal
		for _, a := range col.args {
			if a.kind == jsObject {
				field, _ = a.get("field").isStr()
				typ = a.get("type")
				if a.get("primaryKey").isTrue() {
					m.hasPK, m.pkAttr = true, fl.name
				}
			} else {
				typ = a
			}
		}
		if fl.decorator("PrimaryKey") != nil {
			m.hasPK, m.pkAttr = true, fl.name
		}
		if isVirtual(typ) {
			continue
		}
		c := m.column(fl.name, field)
		m.fields[fl.name] = c
		cols = uniq(cols, c)
	}
	m.finish(cols, o)
	return m
}

// lookup finds the model a name used in file f refers to.
func (s *sequelizeModels) lookup(p *jsProgram, f *jsFile, name string) *sequelizeModel {
	if name == "" {
		return nil
	}
	if cls, ok := p.class(f, name); ok {
		// A class that is not a Sequelize model (a TypeORM entity's
		// static update, say) is not one by name either.
		return s.byClass[cls.c]
	}
	last := lastDot(name)
	if df, local := p.declaration(f, last); df != nil && df != f {
		if m := s.byVar[local]; m != nil && m.file == df {
			return m
		}
	}
	if m := s.byVar[last]; m != nil && (m.file == f || !strings.Contains(name, ".")) {
		return m
	}
	return s.byName[last]
}

// associations adds the foreign keys of belongsTo, hasOne and hasMany.
func (s *sequelizeModels) associations(p *jsProgram) {
	for _, f := range p.files {
		for _, site := range f.calls {
			root, calls := site.val.steps()
			if len(calls) != 1 {
				continue
			}
			c := calls[0]
			if c.method != "belongsTo" && c.method != "hasOne" && c.method != "hasMany" {
				continue
			}
			src := s.receiver(p, f, site, root)
			target := s.lookup(p, f, c.arg(0).ident())
			if src == nil || target == nil {
				continue
			}
			holder, named := src, target // belongsTo: the key is on the source
			if c.method != "belongsTo" {
				holder, named = target, src
			}
			opts := c.arg(1)
			attr, field := "", ""
			switch fk := opts.get("foreignKey"); {
			case fk == nil:
			case fk.kind == jsString:
				attr = fk.str
			case fk.kind == jsObject:
				attr, _ = fk.get("name").isStr()
				field, _ = fk.get("field").isStr()
			}
			if attr == "" {
				as, _ := opts.get("as").isStr()
				if as == "" || c.method != "belongsTo" {
					as = inflect.Default().Singularize(named.name)
				}
				attr = sequelizeCamelize(as + "_" + named.pkAttr)
			}
			col := holder.fields[attr]
			if col == "" {
				col = holder.column(attr, field)
				holder.fields[attr] = col
			}
			holder.columns = uniq(holder.columns, col)
		}
	}
}

// receiver is the model a method is called on: User.belongsTo, or
// this.belongsTo inside the model's static associate().
func (s *sequelizeModels) receiver(p *jsProgram, f *jsFile, site *jsCallSite, root *jsVal) *sequelizeModel {
	path := root.ident()
	if path == "this" {
		if cls, ok := p.class(f, site.class); ok {
			return s.byClass[cls.c]
		}
		return nil
	}
	return s.lookup(p, f, path)
}

// sequelizeCamelize is Sequelize's Utils.camelize: "_x" -> "X".
func sequelizeCamelize(s string) string {
	var b strings.Builder
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '-' || c == ' ' {
			for i+1 < len(s) && (s[i+1] == '_' || s[i+1] == '-' || s[i+1] == ' ') {
				i++
			}
			if i+1 < len(s) {
				b.WriteString(strings.ToUpper(s[i+1 : i+2]))
				i++
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

var sequelizeQueryMethods = map[string]int{ // method -> index of the options argument
	"findAll": 0, "findOne": 0, "findAndCountAll": 0, "count": 0, "destroy": 0, "findByPk": 1,
	"update": 1, "increment": 1, "decrement": 1, "findOrCreate": 0, "max": 1, "min": 1, "sum": 1,
}

// sequelize returns the references of Sequelize models and queries.
func (p *jsProgram) sequelize() []refs.Reference {
	s := p.sequelizeModels()
	if len(s.list) == 0 {
		return nil
	}
	var out []refs.Reference
	for _, m := range s.list {
		r := fileRef(m.file, refs.Sequelize, m.off, m.table)
		r.Columns = m.columns
		out = append(out, r)
	}
	for _, f := range p.files {
		injected := s.injectedModels(p, f)
		for _, site := range f.calls {
			root, calls := site.val.steps()
			if len(calls) != 1 {
				continue
			}
			c := calls[0]
			optIdx, ok := sequelizeQueryMethods[c.method]
			if !ok {
				continue
			}
			m := injected[root.ident()]
			if m == nil {
				m = s.receiver(p, f, site, root)
			}
			if m == nil {
				continue
			}
			q := sequelizeQuery{f: f, m: m}
			switch c.method {
			case "update":
				q.keys(c.arg(0), refs.Update)
			case "increment", "decrement", "max", "min", "sum":
				q.names(c.arg(0), refs.Update)
			}
			q.options(c.arg(optIdx))
			out = append(out, q.out...)
		}
	}
	return out
}

// injectedModels maps this.<member> to the model of @InjectModel(Model).
func (s *sequelizeModels) injectedModels(p *jsProgram, f *jsFile) map[string]*sequelizeModel {
	out := map[string]*sequelizeModel{}
	for _, c := range f.classes {
		for _, fl := range c.fields {
			if d := fl.decorator("InjectModel"); d != nil && len(d.args) > 0 {
				if m := s.lookup(p, f, d.args[0].target()); m != nil {
					out["this."+fl.name] = m
				}
			}
		}
	}
	return out
}

type sequelizeQuery struct {
	f   *jsFile
	m   *sequelizeModel
	out []refs.Reference
}

func (q *sequelizeQuery) emit(attr string, off int, usage refs.Usage) {
	if attr == "" || attr == "*" || strings.HasPrefix(attr, "$") || strings.ContainsAny(attr, " ()") {
		return
	}
	col := q.m.fields[attr]
	if col == "" {
		col = attr
	}
	q.out = append(q.out, columnRef(q.f.f, refs.Sequelize, off, q.m.table, col, usage, refs.Resolved))
}

// keys reads the attribute names of a values or where object.
func (q *sequelizeQuery) keys(v *jsVal, usage refs.Usage) {
	for i, k := range v.props() {
		q.emit(k, v.koffs[i], usage)
	}
}

// names reads a string, an array of strings or [name, alias] pairs, or
// an object's keys.
func (q *sequelizeQuery) names(v *jsVal, usage refs.Usage) {
	if v == nil {
		return
	}
	switch v.kind {
	case jsString:
		q.emit(v.str, v.off, usage)
	case jsArray:
		for _, it := range v.vals {
			if it.kind == jsArray && len(it.vals) > 0 {
				q.names(it.vals[0], usage)
				continue
			}
			q.names(it, usage)
		}
	case jsObject:
		q.keys(v, usage)
	}
}

func (q *sequelizeQuery) options(o *jsVal) {
	if o == nil || o.kind != jsObject {
		return
	}
	if a := o.get("attributes"); a != nil {
		if a.kind == jsObject {
			q.names(a.get("include"), refs.Select)
		} else {
			q.names(a, refs.Select)
		}
	}
	q.keys(o.get("where"), refs.Select)
	q.names(o.get("group"), refs.Select)
	if ord := o.get("order"); ord != nil && ord.kind == jsArray {
		for _, it := range ord.vals {
			switch {
			case it.kind == jsString:
				q.emit(it.str, it.off, refs.Select)
			case it.kind == jsArray && len(it.vals) > 0 && it.vals[0].kind == jsString:
				q.emit(it.vals[0].str, it.vals[0].off, refs.Select)
			}
		}
	}
}
