package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// JPQL (read by JVM): the queries of Spring Data JPA @Query annotations
// (without nativeQuery = true; native SQL, and Spring Data JDBC's @Query,
// are read by the SQL-in-strings extractor) and of @NamedQuery. Range variables (FROM User u, JOIN
// u.company c, UPDATE User u) bind aliases to entities; every path
// alias.attribute is a column reference of the entity's table, Select,
// or Update for the targets of an UPDATE's SET: a basic attribute's
// column, a many-to-one's join column (u.company and u.company.id), and
// through a relation the target's column (u.company.name). An UPDATE or
// DELETE without an alias names attributes bare. A path the entity does
// not map is left out: Hibernate rejects such a query when the
// application starts.

type jpqlToken struct {
	text string
	off  int
	kind byte // 'i' identifier, 'p' parameter, 's' string, 'n' number, else the punctuation byte
}

func jpqlTokens(s string) []jpqlToken {
	var out []jpqlToken
	var i int
	// emit adds s[i:end] as a token of kind and moves past it.
	emit := func(end int, kind byte) {
		out = append(out, jpqlToken{s[i:end], i, kind})
		i = end
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for j < len(s) {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			emit(min(j+1, len(s)), 's')
		case c == ':' || c == '?':
			emit(identEnd(s, i+1), 'p')
		case isIdentStart(c):
			emit(identEnd(s, i), 'i')
		case isDigit(c):
			j := i
			for j < len(s) && (isDigit(s[j]) || s[j] == '.' || isLower(s[j]) || isUpper(s[j])) {
				j++
			}
			emit(j, 'n')
		default:
			emit(i+1, c)
		}
	}
	return out
}

var jpqlKeywords = map[string]bool{
	"where": true, "join": true, "inner": true, "left": true, "outer": true, "fetch": true, "order": true,
	"group": true, "having": true, "set": true, "on": true, "with": true, "union": true, "and": true,
	"or": true, "as": true, "in": true, "by": true, "select": true, "from": true, "update": true,
	"delete": true, "right": true, "cross": true, "not": true, "is": true, "null": true, "like": true,
	"between": true, "member": true, "of": true, "exists": true, "distinct": true, "new": true,
	"case": true, "when": true, "then": true, "else": true, "end": true, "asc": true, "desc": true,
	"limit": true, "offset": true, "treat": true, "empty": true, "true": true, "false": true,
}

func isKeyword(t jpqlToken, kw string) bool { return t.kind == 'i' && strings.EqualFold(t.text, kw) }

// jpqlQuery resolves one JPQL text.
type jpqlQuery struct {
	m       *jpaModel
	toks    []jpqlToken
	aliases map[string]*jpaEntity
	bare    *jpaEntity // UPDATE/DELETE without an alias
	emit    func(table, column string, off int, usage refs.Usage)
}

func (m *jpaModel) jpql(text string, emit func(table, column string, off int, usage refs.Usage)) {
	q := &jpqlQuery{m: m, toks: jpqlTokens(text), aliases: map[string]*jpaEntity{}, emit: emit}
	q.declarations()
	q.paths()
}

// entityAt reads a (maybe qualified) entity name at token i; it returns
// the entity and the index after the name.
func (q *jpqlQuery) entityAt(i int) (*jpaEntity, int) {
	if i >= len(q.toks) || q.toks[i].kind != 'i' {
		return nil, i
	}
	name := q.toks[i].text
	j := i + 1
	for j+1 < len(q.toks) && q.toks[j].kind == '.' && q.toks[j+1].kind == 'i' {
		name = q.toks[j+1].text
		j += 2
	}
	return q.m.byName[name], j
}

// aliasAt reads an optional [AS] alias at token i.
func (q *jpqlQuery) aliasAt(i int) (string, int) {
	if i < len(q.toks) && isKeyword(q.toks[i], "as") {
		i++
	}
	if i < len(q.toks) && q.toks[i].kind == 'i' && !jpqlKeywords[strings.ToLower(q.toks[i].text)] {
		return q.toks[i].text, i + 1
	}
	return "", i
}

func (q *jpqlQuery) declarations() {
	t := q.toks
	// Entities first (FROM, UPDATE), then joins, which need them.
	for i := 0; i < len(t); i++ {
		switch {
		case isKeyword(t[i], "from") || isKeyword(t[i], "update"):
			e, j := q.entityAt(i + 1)
			for e != nil {
				alias, k := q.aliasAt(j)
				if alias == "" {
					if q.bare == nil && (isKeyword(t[i], "update") || i > 0 && isKeyword(t[i-1], "delete")) {
						q.bare = e
					}
				} else {
					q.aliases[alias] = e
				}
				if k < len(t) && t[k].kind == ',' {
					e, j = q.entityAt(k + 1)
					continue
				}
				break
			}
		}
	}
	for i := 0; i < len(t); i++ {
		if !isKeyword(t[i], "join") {
			continue
		}
		j := i + 1
		if j < len(t) && isKeyword(t[j], "fetch") {
			j++
		}
		path, k := q.pathAt(j)
		if len(path) < 2 {
			// JOIN Entity e ON ... (Hibernate's entity join)
			if e, k2 := q.entityAt(j); e != nil {
				if alias, _ := q.aliasAt(k2); alias != "" {
					q.aliases[alias] = e
				}
			}
			continue
		}
		alias, _ := q.aliasAt(k)
		if alias == "" {
			continue
		}
		if e := q.target(path); e != nil {
			q.aliases[alias] = e
		}
	}
}

// pathAt reads ident(.ident)* at token i.
func (q *jpqlQuery) pathAt(i int) ([]jpqlToken, int) {
	t := q.toks
	if i >= len(t) || t[i].kind != 'i' {
		return nil, i
	}
	path := []jpqlToken{t[i]}
	j := i + 1
	for j+1 < len(t) && t[j].kind == '.' && t[j+1].kind == 'i' {
		path = append(path, t[j+1])
		j += 2
	}
	return path, j
}

// target follows a join path (alias.relation...) to its entity.
func (q *jpqlQuery) target(path []jpqlToken) *jpaEntity {
	e := q.aliases[path[0].text]
	for _, p := range path[1:] {
		if e == nil {
			return nil
		}
		c := e.rels[p.text]
		if c == nil {
			return nil
		}
		e = q.m.entity(c)
	}
	return e
}

func (q *jpqlQuery) paths() {
	t := q.toks
	inSet := false
	for i := 0; i < len(t); i++ {
		switch {
		case isKeyword(t[i], "set"):
			inSet = true
			continue
		case isKeyword(t[i], "where"):
			inSet = false
			continue
		}
		if t[i].kind != 'i' || i > 0 && (t[i-1].kind == '.') {
			continue
		}
		path, j := q.pathAt(i)
		usage := refs.Select
		if inSet && j < len(t) && t[j].kind == '=' {
			usage = refs.Update
		}
		if e, ok := q.aliases[path[0].text]; ok && len(path) > 1 {
			q.resolve(e, path[1:], usage)
			i = j - 1
			continue
		}
		if q.bare != nil && len(path) == 1 && !jpqlKeywords[strings.ToLower(path[0].text)] && (j >= len(t) || t[j].kind != '(') {
			q.resolve(q.bare, path, usage)
		}
		i = j - 1
	}
}

// resolve emits the column an attribute path of entity e reads.
func (q *jpqlQuery) resolve(e *jpaEntity, path []jpqlToken, usage refs.Usage) {
	for depth := 0; depth < 8 && e != nil && len(path) > 0; depth++ {
		// An embedded attribute: the longest mapped dotted prefix.
		for n := len(path); n >= 2; n-- {
			var names []string
			for _, p := range path[:n] {
				names = append(names, p.text)
			}
			if col, ok := e.fields[strings.Join(names, ".")]; ok {
				q.emit(e.table, col, path[0].off, usage)
				return
			}
		}
		a := path[0]
		col, mapped := e.fields[a.text]
		target := e.rels[a.text]
		switch {
		case target == nil && mapped:
			q.emit(e.table, col, a.off, usage)
			return
		case target == nil:
			return
		case mapped && (len(path) == 1 || len(path) == 2 && q.isID(target, path[1].text)):
			q.emit(e.table, col, a.off, usage) // the foreign key itself
			return
		case mapped:
			q.emit(e.table, col, a.off, refs.Select) // the implicit join reads it
		}
		e = q.m.entity(target)
		path = path[1:]
	}
}

func (q *jpqlQuery) isID(c *jvClass, attr string) bool {
	te := q.m.entity(c)
	return te != nil && te.idField == attr
}

// queries returns the column references of every JPQL query.
func (m *jpaModel) queries() []refs.Reference {
	var out []refs.Reference
	for _, f := range m.p.files {
		for _, c := range f.classes {
			var texts []*jvVal
			sqlQuery := strings.Contains(f.imports["Query"], ".jdbc.") // Spring Data JDBC's @Query holds SQL
			for _, mt := range c.methods {
				a := mt.annotations.get("Query")
				if a == nil || a.arg("nativeQuery").isTrue() || sqlQuery {
					continue
				}
				texts = append(texts, a.arg("value"))
			}
			for _, a := range c.annotations {
				switch a.name {
				case "NamedQuery":
					texts = append(texts, a.arg("query"))
				case "NamedQueries":
					for _, v := range a.arg("value").list() {
						if v.ann != nil {
							texts = append(texts, v.ann.arg("query"))
						}
					}
				}
			}
			for _, v := range texts {
				s, ok := v.isStr()
				if !ok {
					continue
				}
				m.jpql(s, func(table, column string, off int, usage refs.Usage) {
					r := columnRef(f.f, refs.JPA, v.at(off), table, column, usage, refs.Resolved)
					if m.p.naming.unknown {
						r.Certainty = refs.Ambiguous
					}
					out = append(out, r)
				})
			}
		}
	}
	return out
}
