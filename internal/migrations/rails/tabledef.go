package rails

import (
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// colDef is a column as Rails' ColumnDefinition writes it.
type colDef struct {
	name   string
	nameSp source.Span // where the column is named in the file
	// typeSQL is the type as the adapter writes it; typ its canonical
	// form, which decides how a default is written.
	typeSQL   string
	typ       ops.Type
	notNull   bool
	pk        bool
	def       *defaultValue
	collation string
	generated string // the expression of a generated column
	comment   *value
}

// columnDef is TableDefinition#new_column_definition: the type with its
// limit/precision/scale, the default, NULL and PRIMARY KEY options as
// the PostgreSQL adapter reads them.
func (t *tr) columnDef(name string, typV value, o opts, nameSp source.Span) (colDef, bool) {
	typ, ok := typV.str()
	if !ok {
		return colDef{}, false
	}
	generated := false
	if typ == "virtual" {
		vt, ok := o.str("type")
		if !ok {
			return colDef{}, false
		}
		typ = vt
		generated = o.has("as")
	}
	if typ == "enum" {
		if et, ok := o.str("enum_type"); ok {
			typ = et
		}
	}
	pk := o.bool("primary_key", false)
	limit, hasLimit := o.int("limit")
	if pk && (typ == "integer" || typ == "bigint") && !o.has("default") {
		if typ == "bigint" || (hasLimit && limit == 8) {
			typ = "bigserial"
		} else {
			typ = "serial"
		}
	}
	if typ == "timestamp" {
		typ = "datetime"
	}
	d := colDef{name: name, nameSp: nameSp}
	if typ == "primary_key" {
		// "bigserial primary key": the adapter adds no other option.
		d.typeSQL, d.typ = "bigserial primary key", ops.Type{Name: "bigserial"}
		return d, true
	}
	to := typeOptions{limit: limit, hasLimit: hasLimit, array: o.bool("array", false)}
	to.precision, to.hasPrecision = o.int("precision")
	to.scale, to.hasScale = o.int("scale")
	if o.isNil("precision") {
		to.hasPrecision = false
	} else if typ == "datetime" && !o.has("precision") && t.ver.datetimePrecision() {
		to.precision, to.hasPrecision = 6, true
	}
	d.typeSQL = typeToSQL(typ, to)
	d.typ = sqlType(d.typeSQL)
	d.collation, _ = o.str("collation")
	if generated {
		d.generated, _ = o.str("as")
	}
	null, hasNull := o.get("null")
	d.notNull = hasNull && null.known() && !null.truthy() || pk
	d.pk = pk
	if dv, ok := o.get("default"); ok && !(d.notNull && dv.k == kNil) && !generated {
		v, msg := defaultSQL(dv, d.typ, d.typeSQL, t.src)
		if msg != "" {
			sp := nameSp
			if dv.n != nil {
				sp = t.span(dv.n)
			}
			t.syntaxNote(sp, "default is not valid SQL: "+msg)
		} else {
			d.def = &v
		}
	}
	if cv, ok := o.get("comment"); ok && cv.k != kNil {
		c := cv // cv itself would move to the heap on every call
		d.comment = &c
	}
	return d, true
}

// tableDef collects create_table's block.
type tableDef struct {
	name        string
	cols        []colDef
	compositePK []string
	indexes     []tdIndex
	fks         []tdForeignKey
	checks      []tdCheck
	ifNotExists bool
}

type tdIndex struct {
	cols value
	o    opts
	sp   source.Span
}

type tdForeignKey struct {
	to string
	o  opts
	sp source.Span
}

type tdCheck struct {
	expr string
	o    opts
	sp   source.Span
}

// columnMethods are the t.<type> shorthands of TableDefinition and
// Table (Rails' ColumnMethods, PostgreSQL's included).
var columnMethods = map[string]bool{
	"bigint": true, "binary": true, "boolean": true, "date": true, "datetime": true, "decimal": true,
	"numeric": true, "float": true, "integer": true, "json": true, "string": true, "text": true,
	"time": true, "timestamp": true, "virtual": true, "bigserial": true, "bit": true, "bit_varying": true,
	"cidr": true, "citext": true, "daterange": true, "hstore": true, "inet": true, "interval": true,
	"int4range": true, "int8range": true, "jsonb": true, "ltree": true, "macaddr": true, "money": true,
	"numrange": true, "oid": true, "point": true, "line": true, "lseg": true, "box": true, "path": true,
	"polygon": true, "circle": true, "serial": true, "tsrange": true, "tstzrange": true, "tsvector": true,
	"uuid": true, "xml": true, "enum": true, "timestamptz": true,
}

// tdColumn adds a column to a create_table definition.
func (t *tr) tdColumn(td *tableDef, c *rcall, name string, typ value, o opts, nameSp source.Span) {
	d, ok := t.columnDef(name, typ, o, nameSp)
	if !ok {
		t.hint(c.n, "column type is not a literal: column %q is not checked", name)
		return
	}
	td.cols = append(td.cols, d)
	if iv, ok := o.get("index"); ok && iv.known() && iv.truthy() {
		io := emptyOpts()
		if iv.k == kHash {
			io = opts{iv}
		}
		td.indexes = append(td.indexes, tdIndex{cols: value{k: kString, s: name}, o: io, sp: c.sp})
	}
}

// columnCall runs t.string :a, :b and t.column :a, :type, in
// create_table and change_table, adding each column with add; it
// reports whether the call was one of them.
func (t *tr) columnCall(c *rcall, name string, add func(col string, typ value, nameSp source.Span)) bool {
	switch {
	case columnMethods[name]:
		t.recognised++
		t.eachLiteral(c, 0, "column name", func(i int, col string) {
			add(col, value{k: kSymbol, s: name}, t.argSpan(c, i))
		})
	case name == "column":
		t.recognised++
		if col, typ, ok := t.columnAndType(c); ok {
			add(col, typ, t.argSpan(c, 0))
		}
	default:
		return false
	}
	return true
}

// columnAndType reads the column name and type of t.column and t.change.
func (t *tr) columnAndType(c *rcall) (string, value, bool) {
	col, ok := c.arg(0)
	if !ok || len(c.pos) < 2 {
		t.hint(c.n, "column name or type is not a literal: not checked")
		return "", value{}, false
	}
	return col, c.pos[1], true
}

// tableDefCall runs t.<method> inside create_table.
func (t *tr) tableDefCall(td *tableDef, c *rcall) {
	name := c.name
	if name == "numeric" {
		name = "decimal"
	}
	switch {
	case t.columnCall(c, name, func(col string, typ value, nameSp source.Span) {
		t.tdColumn(td, c, col, typ, c.o, nameSp)
	}):
	case name == "primary_key":
		t.recognised++
		col, ok := t.literal(c, 0, "column name")
		if !ok {
			return
		}
		typ := value{k: kSymbol, s: "primary_key"}
		if len(c.pos) > 1 {
			typ = c.pos[1]
		}
		o := c.o.with("primary_key", value{k: kBool, b: true})
		if s, _ := typ.str(); s == "uuid" && !o.has("default") {
			o = o.with("default", value{k: kString, s: t.ver.uuidDefault()})
		}
		if s, _ := typ.str(); s == "primary_key" && !t.ver.bigintKeys() {
			typ = value{k: kSymbol, s: "integer"}
		}
		t.tdColumn(td, c, col, typ, o, t.argSpan(c, 0))
	case name == "references" || name == "belongs_to":
		t.recognised++
		t.eachLiteral(c, 0, "reference name", func(i int, ref string) {
			t.reference(td.name, ref, c.o, c, refTarget{
				column: func(col string, typ value, o opts) { t.tdColumn(td, c, col, typ, o, t.argSpan(c, i)) },
				index: func(cols []string, o opts) {
					td.indexes = append(td.indexes, tdIndex{cols: namesValue(cols), o: o, sp: c.sp})
				},
				foreignKey: func(to string, o opts) { td.fks = append(td.fks, tdForeignKey{to: to, o: o, sp: c.sp}) },
			})
		})
	case name == "timestamps":
		t.recognised++
		o := t.timestampOptions(c.o)
		for _, col := range []string{"created_at", "updated_at"} {
			t.tdColumn(td, c, col, value{k: kSymbol, s: "datetime"}, o, c.sp)
		}
	case name == "index":
		t.recognised++
		if len(c.pos) == 0 {
			t.hint(c.n, "index columns are not given: not checked")
			return
		}
		td.indexes = append(td.indexes, tdIndex{cols: c.pos[0], o: c.o, sp: c.sp})
	case name == "check_constraint":
		t.recognised++
		if expr, ok := t.literal(c, 0, "check expression"); ok {
			td.checks = append(td.checks, tdCheck{expr: expr, o: c.o, sp: c.sp})
		}
	case name == "foreign_key":
		t.recognised++
		if to, ok := t.literal(c, 0, "foreign key table"); ok {
			td.fks = append(td.fks, tdForeignKey{to: to, o: c.o, sp: c.sp})
		}
	default:
		t.hint(c.n, "`t.%s` is not a create_table method schemagate knows: not checked", c.name)
	}
}

func namesValue(cols []string) value {
	if len(cols) == 1 {
		return value{k: kString, s: cols[0]}
	}
	v := value{k: kArray}
	for _, c := range cols {
		v.list = append(v.list, value{k: kString, s: c})
	}
	return v
}

// timestampOptions are t.timestamps' and add_timestamps' column options.
func (t *tr) timestampOptions(o opts) opts {
	if !o.has("null") || o.isNil("null") {
		o = o.with("null", value{k: kBool, b: !t.ver.timestampsNotNull()})
	}
	if !o.has("precision") && t.ver.timestampsPrecision() {
		o = o.with("precision", value{k: kInt, i: 6})
	}
	if !o.has("precision") && !t.ver.timestampsPrecision() {
		o = o.with("precision", value{k: kNil})
	}
	return o
}

// refTarget is where a reference's parts go: a create_table definition
// or the live table.
type refTarget struct {
	column     func(col string, typ value, o opts)
	index      func(cols []string, o opts)
	foreignKey func(to string, o opts)
}

// reference is ReferenceDefinition#add_to.
func (t *tr) reference(table, ref string, o opts, c *rcall, to refTarget) {
	poly, _ := o.get("polymorphic")
	polymorphic := poly.known() && poly.truthy()
	idx, hasIdx := o.get("index")
	if !hasIdx {
		idx = value{k: kBool, b: t.ver.referenceIndexByDefault()}
	}
	fk, _ := o.get("foreign_key")
	typ, hasType := o.get("type")
	if !hasType {
		typ = value{k: kSymbol, s: "integer"}
		if t.ver.bigintKeys() {
			typ = value{k: kSymbol, s: "bigint"}
		}
	}
	colOpts := o.without("polymorphic", "index", "foreign_key", "type")
	idCol := ref + "_id"
	var cols []string
	if polymorphic {
		po := emptyOpts()
		if poly.k == kHash {
			po = opts{poly}
		}
		for _, k := range []string{"null", "first", "after"} {
			if v, ok := colOpts.get(k); ok {
				po = po.with(k, v)
			}
		}
		to.column(ref+"_type", value{k: kSymbol, s: "string"}, po)
		cols = append(cols, ref+"_type")
	}
	to.column(idCol, typ, colOpts)
	cols = append(cols, idCol)
	if idx.known() && idx.truthy() {
		io := emptyOpts()
		if idx.k == kHash {
			io = opts{idx}
		}
		if polymorphic && t.ver.polymorphicIndexName() && !io.has("name") {
			io = io.with("name", value{k: kString, s: "index_" + table + "_on_" + ref})
		}
		to.index(cols, io)
	}
	if fk.known() && fk.truthy() {
		fo := emptyOpts()
		if fk.k == kHash {
			fo = opts{fk}
		}
		target, ok := fo.str("to_table")
		if !ok {
			target = pluralize(ref)
		}
		fo = fo.without("to_table").with("column", value{k: kString, s: idCol})
		to.foreignKey(target, fo)
	}
}
