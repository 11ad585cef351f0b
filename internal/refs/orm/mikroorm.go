package orm

import (
	"github.com/schemagate/schemagate/internal/refs"
)

// MikroORM entities (read by JavaScript): one reference per class with
// MikroORM's @Entity that is not `abstract: true`. Usage Model, Columns
// = @PrimaryKey, @Property, @Enum fields (`fieldName:`, else the
// property name underscored: firstName -> first_name), the join columns
// of @ManyToOne and owning @OneToOne (`joinColumn:`/`fieldName:`, else
// property_id), and the columns of @Embedded classes (prefixed with the
// property name and "_" unless `prefix:` says otherwise; `object: true`
// is one column), base classes first. Table = `tableName:`
// (`collection:`), else the class name underscored. `persist: false`
// properties and @Formula are not columns; `lazy: true` ones are not
// loaded but still inserted (Ignored, plus an Insert reference).
// EntityCaseNamingStrategy keeps names as written; another custom
// strategy makes the references Ambiguous.

type mikroNaming struct {
	entityCase, unknown bool
}

func (n mikroNaming) table(class string) string {
	if n.entityCase {
		return class
	}
	return mikroUnderscore(class)
}

func (n mikroNaming) column(prop string) string {
	if n.entityCase {
		return prop
	}
	return mikroUnderscore(prop)
}

type mikroEntity struct {
	table    string
	columns  []string
	ignored  []string
	inserted []typeormField
}

func (p *jsProgram) mikroNaming() mikroNaming {
	used, unknown := p.namingStrategies("mikro-orm", "UnderscoreNamingStrategy", "EntityCaseNamingStrategy")
	return mikroNaming{entityCase: used["EntityCaseNamingStrategy"], unknown: unknown}
}

// mikroORM returns the references of MikroORM entities.
func (p *jsProgram) mikroORM() []refs.Reference {
	var n *mikroNaming
	var out []refs.Reference
	for _, f := range p.files {
		for _, c := range f.classes {
			if entityLibrary(f, c) != "mikro-orm" {
				continue
			}
			d := c.decorator("Entity")
			opts := optionsArg(d.args)
			if opts.get("abstract").isTrue() || c.abstract && opts == nil {
				continue
			}
			if n == nil {
				nn := p.mikroNaming()
				n = &nn
			}
			e := &mikroEntity{}
			e.table, _ = opts.get("tableName").isStr()
			if e.table == "" {
				e.table, _ = opts.get("collection").isStr()
			}
			if e.table == "" {
				e.table = n.table(c.name)
			}
			if s, ok := opts.get("schema").isStr(); ok && s != "*" {
				e.table = s + "." + e.table
			}
			p.mikroCollect(*n, e, jsClassRef{c, f}, "", map[*jsClass]bool{}, 0)
			r := fileRef(f, refs.MikroORM, c.off, e.table)
			r.Columns, r.Ignored = e.columns, e.ignored
			if n.unknown {
				r.Certainty = refs.Ambiguous
			}
			out = append(out, r)
			for _, w := range e.inserted {
				cr := columnRef(f.f, refs.MikroORM, w.off, e.table, w.column, refs.Insert, refs.Resolved)
				if n.unknown {
					cr.Certainty = refs.Ambiguous
				}
				out = append(out, cr)
			}
		}
	}
	return out
}

func (p *jsProgram) mikroCollect(n mikroNaming, e *mikroEntity, ref jsClassRef, prefix string, seen map[*jsClass]bool, depth int) {
	if depth > 16 || seen[ref.c] {
		return
	}
	seen[ref.c] = true
	defer delete(seen, ref.c)
	if ref.c.extends != "" {
		if base, ok := p.class(ref.file, ref.c.extends); ok {
			p.mikroCollect(n, e, base, prefix, seen, depth+1)
		}
	}
	for _, fl := range ref.c.fields {
		if fl.static || fl.param {
			continue
		}
		for _, d := range fl.decorators {
			opts := optionsArg(d.args)
			if opts.get("persist").isFalse() {
				break
			}
			name, _ := opts.get("fieldName").isStr()
			if name == "" {
				if names := opts.get("fieldNames"); names != nil && names.kind == jsArray && len(names.vals) > 0 {
					name, _ = names.vals[0].isStr()
				}
			}
			switch d.name {
			case "PrimaryKey", "Property", "Enum":
				if name == "" {
					name = prefix + n.column(fl.name)
				}
				if opts.get("lazy").isTrue() {
					e.ignored = uniq(e.ignored, name)
					e.inserted = append(e.inserted, typeormField{name, fl.off})
				}
				e.columns = uniq(e.columns, name)
			case "ManyToOne", "OneToOne":
				if d.name == "OneToOne" && !mikroOwner(d, opts) {
					break
				}
				if jc, ok := opts.get("joinColumn").isStr(); ok {
					name = jc
				}
				if name == "" {
					name = prefix + n.column(fl.name) + "_id"
				}
				e.columns = uniq(e.columns, name)
			case "Embedded":
				if opts.get("object").isTrue() {
					e.columns = uniq(e.columns, prefix+n.column(fl.name))
					break
				}
				inner := ""
				if len(d.args) > 0 {
					inner = d.args[0].target()
				}
				if inner == "" {
					inner = opts.get("entity").target()
				}
				pre := prefix + n.column(fl.name) + "_"
				if pv := opts.get("prefix"); pv != nil {
					if s, ok := pv.isStr(); ok {
						pre = prefix + s
					} else if pv.isFalse() {
						pre = prefix
					}
				}
				if cls, ok := p.class(ref.file, inner); ok {
					p.mikroCollect(n, e, cls, pre, seen, depth+1)
				}
			default:
				continue
			}
			break
		}
	}
}

// mikroOwner reports whether a @OneToOne is the owning side: not when it
// names mappedBy (as an option, or as its second argument without
// owner: true).
func mikroOwner(d jsDecorator, opts *jsVal) bool {
	if opts.get("mappedBy") != nil {
		return false
	}
	if len(d.args) >= 2 && (d.args[1].kind == jsString || d.args[1].kind == jsFunc) {
		return opts.get("owner").isTrue()
	}
	return true
}
