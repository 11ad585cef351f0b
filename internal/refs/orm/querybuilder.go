package orm

import (
	"strings"

	"github.com/schemagate/schemagate/internal/refs"
)

// Knex and Kysely query builders (read by JavaScript). A chain's tables
// come from knex("users as u") / db("users") / knex.from("users") /
// .table() / .into() and .join*(), or from Kysely's selectFrom,
// insertInto, updateTable and deleteFrom and its joins; its columns from
// select/column/first/pluck/returning/orderBy/groupBy strings, where and
// having conditions (a column name, or the keys of a where object),
// insert/values objects, update/set objects, increment/decrement and
// onConflict/merge. Each table gets a table-level reference of the
// query's usage (an INSERT's lists the columns it writes); each column
// a column reference, Resolved when the query has one table or the name
// is qualified, Ambiguous (one per table) when several are joined. A
// Knex select that names no column is `select *`: a Wildcard.
//
// Knex is recognised as a call of a Knex instance: a variable assigned
// from knex(...)/require("knex")(...) anywhere in the program, or one of
// the names such instances usually have (knex, db, trx, ...) followed by
// query-builder methods. With knexSnakeCaseMappers() or Kysely's
// CamelCasePlugin in the program, names are converted to snake_case as
// those plugins do.

var knexNames = map[string]bool{
	"knex": true, "db": true, "trx": true, "tx": true, "transaction": true, "database": true,
	"conn": true, "connection": true, "pg": true, "kx": true, "k": true,
}

var knexRootMethods = map[string]bool{
	"select": true, "from": true, "table": true, "into": true, "insert": true, "update": true,
	"del": true, "delete": true, "first": true, "count": true, "pluck": true, "column": true,
	"columns": true, "distinct": true, "withSchema": true, "queryBuilder": true, "where": true,
}

var knexMethods = map[string]bool{
	"select": true, "column": true, "columns": true, "first": true, "pluck": true, "distinct": true,
	"where": true, "andWhere": true, "orWhere": true, "whereNot": true, "orWhereNot": true,
	"whereIn": true, "whereNotIn": true, "orWhereIn": true, "orWhereNotIn": true, "whereNull": true,
	"whereNotNull": true, "orWhereNull": true, "orWhereNotNull": true, "whereBetween": true,
	"whereNotBetween": true, "whereLike": true, "whereILike": true, "having": true, "orderBy": true,
	"groupBy": true, "insert": true, "update": true, "del": true, "delete": true, "returning": true,
	"increment": true, "decrement": true, "onConflict": true, "merge": true, "join": true,
	"innerJoin": true, "leftJoin": true, "leftOuterJoin": true, "rightJoin": true, "fullOuterJoin": true,
	"count": true, "sum": true, "min": true, "max": true, "avg": true, "limit": true, "offset": true,
	"from": true, "into": true, "table": true, "countDistinct": true,
}

// qbSnake is the snake_case mapper of Kysely's CamelCasePlugin and
// Objection's knexSnakeCaseMappers (default options): "_" before a
// capital unless the previous character is a capital too, lower-cased.
func qbSnake(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.WriteString(strings.ToLower(s[:1]))
	for i := 1; i < len(s); i++ {
		c := s[i]
		if isUpper(c) {
			if !isUpper(s[i-1]) {
				b.WriteByte('_')
			}
			b.WriteByte(c + 'a' - 'A')
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

type qbTable struct {
	name, alias string
	off         int
}

type qbColumn struct {
	name  string // as written, maybe qualified
	off   int
	usage refs.Usage
}

// qbQuery gathers one chain's tables and columns, resolved at the end.
type qbQuery struct {
	f        *jsFile
	src      refs.Source
	snake    bool
	tables   []qbTable
	cte      map[string]bool
	cols     []qbColumn
	usage    refs.Usage // Select, Insert, Update or Delete
	named    bool       // a select that names its columns
	wildcard []int      // offsets of select * / selectAll()
	inserted []string
	out      []refs.Reference
}

func (q *qbQuery) name(s string) string {
	if q.snake {
		return qbSnake(s)
	}
	return s
}

// addTable reads "users", "users as u", "s.users AS u" or {u: "users"}.
func (q *qbQuery) addTable(v *jsVal) {
	if v == nil {
		return
	}
	switch v.kind {
	case jsString:
		name, alias := splitAlias(v.str)
		if name == "" || strings.ContainsAny(name, " ()") {
			return
		}
		q.tables = append(q.tables, qbTable{name: q.name(name), alias: alias, off: v.off})
	case jsObject:
		for i, k := range v.keys {
			if s, ok := v.vals[i].isStr(); ok {
				q.tables = append(q.tables, qbTable{name: q.name(s), alias: k, off: v.vals[i].off})
			}
		}
	case jsArray:
		for _, it := range v.vals {
			q.addTable(it)
		}
	}
}

// splitAlias splits "x as y" (any case) into x and y.
func splitAlias(s string) (string, string) {
	s = strings.TrimSpace(s)
	low := strings.ToLower(s)
	if i := strings.LastIndex(low, " as "); i > 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+4:])
	}
	return s, ""
}

// column records one column string ("name", "u.name", "name as n", "*").
func (q *qbQuery) column(v *jsVal, usage refs.Usage) {
	if v == nil {
		return
	}
	switch v.kind {
	case jsString:
		name, _ := splitAlias(v.str)
		switch {
		case name == "*" || strings.HasSuffix(name, ".*"):
			q.wildcard = append(q.wildcard, v.off)
			return
		case name == "" || strings.ContainsAny(name, " ()'\"+-*/,"):
			return
		}
		q.cols = append(q.cols, qbColumn{name: name, off: v.off, usage: usage})
	case jsArray:
		for _, it := range v.vals {
			q.column(it, usage)
		}
	case jsObject: // select({ alias: "column" })
		for _, val := range v.vals {
			q.column(val, usage)
		}
	}
}

// keys records the keys of an object as columns.
func (q *qbQuery) keys(v *jsVal, usage refs.Usage) {
	if v == nil {
		return
	}
	if v.kind == jsArray {
		for _, it := range v.vals {
			q.keys(it, usage)
		}
		return
	}
	for i, k := range v.props() {
		q.cols = append(q.cols, qbColumn{name: k, off: v.koffs[i], usage: usage})
		if usage == refs.Insert {
			q.inserted = uniq(q.inserted, q.name(lastDot(k)))
		}
	}
}

// written reads the columns an update sets: the keys of an object, or a
// column name (update("count", 1), increment("count")).
func (q *qbQuery) written(v *jsVal) {
	if v != nil && v.kind == jsObject {
		q.keys(v, refs.Update)
		return
	}
	q.column(v, refs.Update)
}

// condition reads where(col, ...), where({col: v}) and whereIn(col, ...).
func (q *qbQuery) condition(args []*jsVal) {
	if len(args) == 0 {
		return
	}
	switch args[0].kind {
	case jsObject:
		q.keys(args[0], refs.Select)
	case jsString, jsArray:
		q.column(args[0], refs.Select)
	}
}

// finish resolves the recorded columns against the tables.
func (q *qbQuery) finish() []refs.Reference {
	if len(q.tables) == 0 {
		return nil
	}
	byAlias := map[string]string{}
	var real []qbTable
	for _, t := range q.tables {
		if q.cte[t.name] {
			continue
		}
		real = append(real, t)
		byAlias[t.name] = t.name
		if i := strings.LastIndexByte(t.name, '.'); i >= 0 {
			byAlias[t.name[i+1:]] = t.name
		}
		if t.alias != "" {
			byAlias[t.alias] = t.name
		}
	}
	if len(real) == 0 {
		return nil
	}
	for i, t := range real {
		r := columnRef(q.f.f, q.src, t.off, t.name, "", q.usage, refs.Resolved)
		switch {
		case i == 0 && q.usage == refs.Insert:
			r.Columns = q.inserted
		case i == 0 && q.usage == refs.Select && !q.named && q.src == refs.Knex:
			r.Usage = refs.Wildcard
		}
		q.out = append(q.out, r)
	}
	for _, off := range q.wildcard {
		q.out = append(q.out, columnRef(q.f.f, q.src, off, real[0].name, "", refs.Wildcard, refs.Resolved))
	}
	for _, c := range q.cols {
		if qual, col, ok := cutLastDot(c.name); ok {
			if t, ok := byAlias[qual]; ok {
				q.out = append(q.out, columnRef(q.f.f, q.src, c.off, t, q.name(col), c.usage, refs.Resolved))
			} else if q.snake {
				if t, ok := byAlias[q.name(qual)]; ok {
					q.out = append(q.out, columnRef(q.f.f, q.src, c.off, t, q.name(col), c.usage, refs.Resolved))
				}
			}
			continue
		}
		cert := refs.Resolved
		cands := real
		if c.usage == refs.Insert || c.usage == refs.Update {
			cands = real[:1] // written columns belong to the target
		} else if len(real) > 1 {
			cert = refs.Ambiguous
		}
		for _, t := range cands {
			q.out = append(q.out, columnRef(q.f.f, q.src, c.off, t.name, q.name(c.name), c.usage, cert))
		}
	}
	return q.out
}

func cutLastDot(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// queryBuilders returns the references of Knex and Kysely chains.
func (p *jsProgram) queryBuilders() []refs.Reference {
	knexSnake, kyselySnake := false, false
	instances := map[string]bool{}
	for _, f := range p.files {
		for _, site := range f.calls {
			v := site.val
			switch {
			case v.kind == jsCall && v.method == "knexSnakeCaseMappers":
				knexSnake = true
			case v.kind == jsNew && v.method == "CamelCasePlugin":
				kyselySnake = true
			case site.assigned != "" && (isKnexConstructor(v) || v.kind == jsCall && v.recv == nil && f.imports[v.str].module == "knex"):
				instances[lastDot(site.assigned)] = true
			}
		}
	}
	var out []refs.Reference
	for _, f := range p.files {
		for _, site := range f.calls {
			root, calls := site.val.steps()
			if len(calls) == 0 {
				continue
			}
			if q := kyselyChain(f, calls, kyselySnake); q != nil {
				out = append(out, q.finish()...)
				continue
			}
			if q := knexChain(f, root, calls, instances, knexSnake); q != nil {
				out = append(out, q.finish()...)
			}
		}
	}
	return out
}

// isKnexConstructor matches knex({...}), Knex({...}) and
// require("knex")({...}).
func isKnexConstructor(v *jsVal) bool {
	if v.kind != jsCall || v.recv != nil {
		return false
	}
	if v.method == "knex" || v.method == "Knex" {
		return true
	}
	c := v.callee
	if c == nil || c.kind != jsCall || c.method != "require" {
		return false
	}
	s, _ := c.arg(0).isStr()
	return s == "knex"
}

// knexChain reads a Knex chain, or returns nil when it is not one.
func knexChain(f *jsFile, root *jsVal, calls []*jsVal, instances map[string]bool, snake bool) *qbQuery {
	first := calls[0]
	q := &qbQuery{f: f, src: refs.Knex, snake: snake, usage: refs.Select}
	rest := calls[1:]
	switch {
	case first.recv == nil && first.str != "":
		name := lastDot(first.str)
		if !knexNames[name] && !instances[name] {
			return nil
		}
		if len(first.vals) != 1 || (first.vals[0].kind != jsString && first.vals[0].kind != jsObject) {
			return nil
		}
		if !instances[name] && !anyKnexMethod(rest) {
			return nil
		}
		q.addTable(first.vals[0])
	case root != nil && root.kind == jsIdent:
		name := lastDot(root.ident())
		if !knexNames[name] && !instances[name] || !knexRootMethods[first.method] {
			return nil
		}
		rest = calls
	default:
		return nil
	}
	for _, c := range rest {
		if !knexMethods[c.method] && c.method != "withSchema" && c.method != "clone" && c.method != "transacting" {
			continue
		}
		q.knexStep(c)
	}
	if len(q.tables) == 0 {
		return nil
	}
	return q
}

func anyKnexMethod(calls []*jsVal) bool {
	for _, c := range calls {
		if knexMethods[c.method] {
			return true
		}
	}
	return len(calls) == 0
}

func (q *qbQuery) knexStep(c *jsVal) {
	switch c.method {
	case "from", "table", "into":
		q.addTable(c.arg(0))
	case "select", "column", "columns", "distinct", "pluck", "first", "groupBy":
		for _, a := range c.vals {
			q.column(a, refs.Select)
		}
		if c.method != "groupBy" && len(c.vals) > 0 {
			q.named = true // the query lists its output columns
		}
	case "count", "sum", "min", "max", "avg", "countDistinct":
		for _, a := range c.vals {
			if s, ok := a.isStr(); ok && s == "*" {
				continue
			}
			q.column(a, refs.Select)
		}
		q.named = true
	case "orderBy":
		a := c.arg(0)
		if a != nil && a.kind == jsArray {
			for _, it := range a.vals {
				if it.kind == jsObject {
					q.column(it.get("column"), refs.Select)
				} else {
					q.column(it, refs.Select)
				}
			}
		} else {
			q.column(a, refs.Select)
		}
	case "where", "andWhere", "orWhere", "whereNot", "orWhereNot", "having", "whereIn", "whereNotIn",
		"orWhereIn", "orWhereNotIn", "whereNull", "whereNotNull", "orWhereNull", "orWhereNotNull",
		"whereBetween", "whereNotBetween", "whereLike", "whereILike":
		q.condition(c.vals)
	case "insert":
		q.usage = refs.Insert
		q.keys(c.arg(0), refs.Insert)
		if len(c.vals) > 1 {
			q.column(c.vals[1], refs.Select)
		}
	case "update", "increment", "decrement":
		q.usage = refs.Update
		q.written(c.arg(0))
	case "del", "delete":
		q.usage = refs.Delete
	case "returning":
		q.column(c.arg(0), refs.Select)
	case "onConflict":
		q.column(c.arg(0), refs.Select)
	case "merge":
		q.written(c.arg(0))
	case "join", "innerJoin", "leftJoin", "leftOuterJoin", "rightJoin", "fullOuterJoin":
		q.addTable(c.arg(0))
		for _, a := range c.vals[1:] {
			if s, ok := a.isStr(); ok && (s == "=" || s == "<>" || s == "!=" || s == "<" || s == ">") {
				continue
			}
			q.column(a, refs.Select)
		}
	}
}

var kyselyStarts = map[string]refs.Usage{
	"selectFrom": refs.Select, "insertInto": refs.Insert, "replaceInto": refs.Insert,
	"updateTable": refs.Update, "deleteFrom": refs.Delete, "mergeInto": refs.Update,
}

// kyselyChain reads a Kysely chain, or returns nil when it is not one.
func kyselyChain(f *jsFile, calls []*jsVal, snake bool) *qbQuery {
	start := -1
	for i, c := range calls {
		if _, ok := kyselyStarts[c.method]; ok && len(c.vals) >= 1 {
			start = i
			break
		}
	}
	if start < 0 {
		return nil
	}
	q := &qbQuery{f: f, src: refs.Kysely, snake: snake, usage: kyselyStarts[calls[start].method], cte: map[string]bool{}}
	for _, c := range calls[:start] {
		if c.method == "with" || c.method == "withRecursive" {
			if s, ok := c.arg(0).isStr(); ok {
				name, _, _ := strings.Cut(s, "(")
				q.cte[q.name(strings.TrimSpace(name))] = true
			}
		}
	}
	q.addTable(calls[start].arg(0))
	for _, c := range calls[start+1:] {
		switch c.method {
		case "select", "distinctOn", "groupBy", "returning":
			for _, a := range c.vals {
				q.column(a, refs.Select)
			}
		case "orderBy":
			q.column(c.arg(0), refs.Select)
		case "selectAll", "returningAll":
			off := c.off
			if a := c.arg(0); a != nil && a.kind == jsString {
				off = a.off
			}
			q.wildcard = append(q.wildcard, off)
		case "where", "orWhere", "having", "whereRef", "orWhereRef", "onRef", "on":
			if s, ok := c.arg(0).isStr(); ok && s != "" {
				q.column(c.arg(0), refs.Select)
			}
			if c.method == "whereRef" || c.method == "orWhereRef" || c.method == "onRef" {
				q.column(c.arg(2), refs.Select)
			}
		case "innerJoin", "leftJoin", "rightJoin", "fullJoin", "crossJoin":
			q.addTable(c.arg(0))
			if len(c.vals) >= 3 {
				q.column(c.vals[1], refs.Select)
				q.column(c.vals[2], refs.Select)
			}
		case "values":
			q.keys(c.arg(0), refs.Insert)
		case "columns":
			q.column(c.arg(0), refs.Insert)
			if a := c.arg(0); a != nil && a.kind == jsArray {
				for _, it := range a.vals {
					if s, ok := it.isStr(); ok {
						q.inserted = uniq(q.inserted, q.name(s))
					}
				}
			}
		case "set":
			q.written(c.arg(0))
		}
	}
	return q
}
