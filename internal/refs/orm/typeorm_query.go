package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// TypeORM's query builder (read by JavaScript): in a chain that starts
// with createQueryBuilder, every alias.property in the strings given to
// select, addSelect, where, andWhere, orWhere, having, orderBy, groupBy
// and join conditions, and every key of set() and values() objects, is
// a column reference (Select, Update, Insert) of the alias's entity.
// Aliases come from createQueryBuilder(Entity, "u") or ("u") on a
// repository (a Repository<User> or @InjectRepository(User) member, a
// getRepository(User) value, a class extending Repository<User>),
// from(Entity, "u"), and joins ("u.profile" follows the relation). A
// property is mapped to its column; a name the entity does not map is
// sent by TypeORM as written and so is taken as the column's name. An
// alias whose entity is unknown gives NameOnly references.

var typeormStringSteps = map[string]bool{
	"select": true, "addSelect": true, "where": true, "andWhere": true, "orWhere": true,
	"having": true, "andHaving": true, "orHaving": true, "orderBy": true, "addOrderBy": true,
	"groupBy": true, "addGroupBy": true, "distinctOn": true, "returning": true,
}

var typeormJoinSteps = map[string]bool{
	"innerJoin": true, "leftJoin": true, "innerJoinAndSelect": true, "leftJoinAndSelect": true,
	"innerJoinAndMapOne": true, "innerJoinAndMapMany": true, "leftJoinAndMapOne": true, "leftJoinAndMapMany": true,
}

// typeormAlias is what an alias of a query stands for.
type typeormAlias struct {
	entity *typeormEntity
	table  string // a raw table name, when no entity
}

type typeormQuery struct {
	p       *jsProgram
	m       *typeormModel
	f       *jsFile
	aliases map[string]typeormAlias
	main    string
	uses    []typeormUse // resolved once every alias is known
	out     []refs.Reference
}

type typeormUse struct {
	alias, prop string
	off         int
	usage       refs.Usage
}

func (m *typeormModel) queries(p *jsProgram) []refs.Reference {
	var out []refs.Reference
	for _, f := range p.files {
		repos := m.repositoryVars(p, f)
		for _, site := range f.calls {
			root, calls := site.val.steps()
			start := -1
			for i, c := range calls {
				if c.method == "createQueryBuilder" {
					start = i
					break
				}
			}
			if start < 0 {
				continue
			}
			q := &typeormQuery{p: p, m: m, f: f, aliases: map[string]typeormAlias{}}
			q.begin(calls[start], m.receiverEntity(p, f, site, root, calls[:start], repos))
			for _, c := range calls[start+1:] {
				q.step(c)
			}
			for _, u := range q.uses {
				q.emit(u)
			}
			out = append(out, q.out...)
		}
	}
	return out
}

// repositoryVars maps the variables of a file bound to
// getRepository(Entity) to their entity.
func (m *typeormModel) repositoryVars(p *jsProgram, f *jsFile) map[string]*typeormEntity {
	vars := map[string]*typeormEntity{}
	for _, site := range f.calls {
		if site.assigned == "" {
			continue
		}
		if e := m.repositoryOf(p, f, site.val); e != nil {
			vars[site.assigned] = e
		}
	}
	return vars
}

// repositoryOf returns the entity of getRepository(E) / getRepository<E>().
func (m *typeormModel) repositoryOf(p *jsProgram, f *jsFile, v *jsVal) *typeormEntity {
	if v == nil || v.kind != jsCall || (v.method != "getRepository" && v.method != "getTreeRepository" && v.method != "withRepository") {
		return nil
	}
	if a := v.arg(0); a != nil {
		if e := m.lookup(p, f, entityName(a)); e != nil {
			return e
		}
	}
	if len(v.typeArgs) > 0 {
		return m.lookup(p, f, v.typeArgs[0])
	}
	return nil
}

// entityName returns the entity a target argument names: a class, or a
// string entity name.
func entityName(v *jsVal) string {
	if s, ok := v.isStr(); ok {
		return s
	}
	return v.target()
}

// receiverEntity finds the entity of the repository a query builder is
// created on.
func (m *typeormModel) receiverEntity(p *jsProgram, f *jsFile, site *jsCallSite, root *jsVal, before []*jsVal, repos map[string]*typeormEntity) *typeormEntity {
	if len(before) > 0 {
		return m.repositoryOf(p, f, before[len(before)-1])
	}
	path := root.ident()
	if path == "" {
		return nil
	}
	if e := repos[path]; e != nil {
		return e
	}
	cls, ok := p.class(f, site.class)
	if !ok {
		return nil
	}
	if path == "this" {
		if (cls.c.extends == "Repository" || cls.c.extends == "TreeRepository") && len(cls.c.extendsArg) > 0 {
			return m.lookup(p, cls.file, cls.c.extendsArg[0])
		}
		return nil
	}
	member := lastDot(path)
	if "this."+member != path {
		return nil
	}
	for _, fl := range cls.c.fields {
		if fl.name != member {
			continue
		}
		if d := fl.decorator("InjectRepository"); d != nil && len(d.args) > 0 {
			if e := m.lookup(p, cls.file, entityName(d.args[0])); e != nil {
				return e
			}
		}
		if (fl.typ == "Repository" || fl.typ == "TreeRepository") && len(fl.typeArgs) > 0 {
			if e := m.lookup(p, cls.file, fl.typeArgs[0]); e != nil {
				return e
			}
		}
		if e := m.repositoryOf(p, cls.file, fl.value); e != nil {
			return e
		}
	}
	// this.repo assigned in the constructor: this.repo = ds.getRepository(User)
	return repos[path]
}

// begin reads createQueryBuilder's arguments.
func (q *typeormQuery) begin(c *jsVal, repo *typeormEntity) {
	switch {
	case len(c.vals) >= 2:
		q.bind(c.vals[0], c.vals[1])
	case len(c.vals) == 1:
		if alias, ok := c.vals[0].isStr(); ok {
			q.aliases[alias] = typeormAlias{entity: repo}
			q.main = alias
		}
	}
}

// bind binds an alias to an entity class, entity name or table name.
func (q *typeormQuery) bind(target, aliasVal *jsVal) {
	alias, ok := aliasVal.isStr()
	if !ok {
		return
	}
	q.aliases[alias] = q.targetAlias(target)
	if q.main == "" {
		q.main = alias
	}
}

func (q *typeormQuery) targetAlias(target *jsVal) typeormAlias {
	if e := q.m.lookup(q.p, q.f, entityName(target)); e != nil {
		return typeormAlias{entity: e}
	}
	if s, ok := target.isStr(); ok {
		return typeormAlias{table: s}
	}
	return typeormAlias{}
}

func (q *typeormQuery) step(c *jsVal) {
	switch {
	case c.method == "from" || c.method == "addFrom":
		if len(c.vals) >= 2 {
			q.bind(c.vals[0], c.vals[1])
		} else if len(c.vals) == 1 {
			q.setMain(c.vals[0])
		}
	case c.method == "update" || c.method == "into":
		if len(c.vals) >= 1 {
			q.setMain(c.vals[0])
		}
		if c.method == "update" && len(c.vals) >= 2 {
			q.objectKeys(c.vals[1], refs.Update)
		}
	case typeormJoinSteps[c.method]:
		args := c.vals
		if len(args) > 0 && (c.method == "innerJoinAndMapOne" || c.method == "innerJoinAndMapMany" || c.method == "leftJoinAndMapOne" || c.method == "leftJoinAndMapMany") {
			args = args[1:]
		}
		if len(args) >= 2 {
			q.join(args[0], args[1])
		}
		if len(args) >= 3 {
			q.strings(args[2], refs.Select)
		}
	case c.method == "set":
		q.objectKeys(c.arg(0), refs.Update)
	case c.method == "values":
		if a := c.arg(0); a != nil && a.kind == jsArray {
			for _, it := range a.vals {
				q.objectKeys(it, refs.Insert)
			}
		} else {
			q.objectKeys(a, refs.Insert)
		}
	case typeormStringSteps[c.method]:
		for _, a := range c.vals {
			if c.method != "orderBy" && c.method != "addOrderBy" && a.kind == jsObject {
				continue // parameters
			}
			q.strings(a, refs.Select)
		}
	}
}

// setMain makes a target the main alias's entity (update(User), into(User)).
func (q *typeormQuery) setMain(target *jsVal) {
	a := q.targetAlias(target)
	if a.entity == nil && a.table == "" {
		return
	}
	if q.main == "" {
		q.main = "\x00main"
	}
	q.aliases[q.main] = a
}

// join binds the alias of a join: "u.profile" follows a relation of u.
func (q *typeormQuery) join(target, aliasVal *jsVal) {
	alias, ok := aliasVal.isStr()
	if !ok {
		return
	}
	if s, ok := target.isStr(); ok {
		if from, prop, ok := cutDot(s); ok {
			if a, ok := q.aliases[from]; ok && a.entity != nil {
				if rel, ok := a.entity.rels[prop]; ok {
					q.aliases[alias] = typeormAlias{entity: q.m.lookup(q.p, rel.from, rel.target)}
					return
				}
			}
			q.aliases[alias] = typeormAlias{}
			return
		}
	}
	q.aliases[alias] = q.targetAlias(target)
}

func cutDot(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i], s[i+1:], i > 0 && i < len(s)-1
		}
	}
	return "", "", false
}

// strings reads alias.property tokens in a string or an array of strings
// (and the keys of an orderBy object).
func (q *typeormQuery) strings(v *jsVal, usage refs.Usage) {
	if v == nil {
		return
	}
	switch v.kind {
	case jsString:
		for _, t := range propertyPaths(v.str) {
			q.uses = append(q.uses, typeormUse{t.alias, t.prop, v.at(t.off), usage})
		}
	case jsArray:
		for _, it := range v.vals {
			q.strings(it, usage)
		}
	case jsObject:
		for i, k := range v.keys {
			for _, t := range propertyPaths(k) {
				q.uses = append(q.uses, typeormUse{t.alias, t.prop, v.koffs[i], usage})
			}
		}
	}
}

// objectKeys reads the property names of a set() or values() object,
// of the main alias's entity.
func (q *typeormQuery) objectKeys(v *jsVal, usage refs.Usage) {
	for i, k := range v.props() {
		q.uses = append(q.uses, typeormUse{q.main, k, v.koffs[i], usage})
	}
}

func (q *typeormQuery) emit(u typeormUse) {
	prop, off, usage := u.prop, u.off, u.usage
	a, ok := q.aliases[u.alias]
	if !ok {
		return // not an alias: a parameter, a function, a table-qualified raw name
	}
	switch {
	case a.entity != nil:
		col, ok := a.entity.props[prop]
		if !ok {
			if _, rel := a.entity.rels[prop]; rel || strings.Contains(prop, ".") {
				return // a relation without a column of its own, or a path through one
			}
			col = prop
		}
		q.out = append(q.out, q.m.certain(columnRef(q.f.f, refs.TypeORM, off, a.entity.table, col, usage, refs.Resolved)))
	case a.table != "":
		q.out = append(q.out, columnRef(q.f.f, refs.TypeORM, off, a.table, prop, usage, refs.Resolved))
	default:
		q.out = append(q.out, columnRef(q.f.f, refs.TypeORM, off, "", prop, usage, refs.NameOnly))
	}
}

// at returns the file offset of byte i of a string's value.
func (v *jsVal) at(i int) int {
	if v.exact {
		return v.off + i
	}
	return v.off
}

// propertyPath is one alias.property token of a query-builder string.
type propertyPath struct {
	alias, prop string
	off         int // of the alias
}

// propertyPaths finds alias.property tokens outside quotes, skipping
// :parameters and function-like tokens (alias.fn(...)).
func propertyPaths(s string) []propertyPath {
	var out []propertyPath
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				j++
			}
			if c == '"' {
				// A quoted identifier: "u"."name" is a path too.
				if t, n, ok := quotedPath(s, i); ok {
					out = append(out, t)
					i = n
					continue
				}
			}
			i = j + 1
		case isIdentStart(c) && (i == 0 || !isIdentByte(s[i-1]) && s[i-1] != ':' && s[i-1] != '.' && s[i-1] != '@'):
			j := identEnd(s, i)
			if j < len(s)-1 && s[j] == '.' && isIdentStart(s[j+1]) {
				k := identEnd(s, j+1)
				if k < len(s) && s[k] == '.' {
					// a.b.c: an embedded property path
					m := identEnd(s, k+1)
					if m > k+1 {
						out = append(out, propertyPath{s[i:j], s[j+1 : m], i})
						i = m
						continue
					}
				}
				if k >= len(s) || s[k] != '(' {
					out = append(out, propertyPath{s[i:j], s[j+1 : k], i})
				}
				i = k
				continue
			}
			i = j
		default:
			i++
		}
	}
	return out
}

func quotedPath(s string, i int) (propertyPath, int, bool) {
	end := i + 1
	for end < len(s) && s[end] != '"' {
		end++
	}
	if end+2 >= len(s) || s[end+1] != '.' || s[end+2] != '"' {
		return propertyPath{}, 0, false
	}
	end2 := end + 3
	for end2 < len(s) && s[end2] != '"' {
		end2++
	}
	if end2 >= len(s) {
		return propertyPath{}, 0, false
	}
	return propertyPath{s[i+1 : end], s[end+3 : end2], i}, end2 + 1, true
}

func isIdentStart(c byte) bool { return isUpper(c) || isLower(c) || c == '_' || c == '$' }
func isIdentByte(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// identEnd returns the end of the identifier bytes of s from i (i when
// there are none).
func identEnd(s string, i int) int {
	for i < len(s) && isIdentByte(s[i]) {
		i++
	}
	return i
}
