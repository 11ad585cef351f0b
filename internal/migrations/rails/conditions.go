package rails

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/rubyre"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// The questions migrations ask about the database they run on, answered
// as ActiveRecord's PostgreSQL adapter answers them: adapter_name, the
// supports_*? methods (as the adapter of the migration's Rails version
// defines them), the server version, the adapter of the database
// configuration, is_a?(PostgreSQLAdapter). A migration written for
// several databases (Doorkeeper's generated migration has a SQL Server
// branch) then translates only what runs on PostgreSQL.

// adapterName is PostgreSQLAdapter::ADAPTER_NAME; configAdapter the
// adapter: of database.yml.
const (
	adapterName   = "PostgreSQL"
	configAdapter = "postgresql"
)

// pgSupport is how the PostgreSQL adapter answers one supports_*?
// method: true from Rails version since on (the abstract adapter's false
// before, or no such method), and only on servers of version minPG and
// later.
type pgSupport struct {
	since version
	minPG int
}

// pgSupports are the supports_*? methods ActiveRecord's PostgreSQL
// adapter answers true (ActiveRecord 6.1's postgresql_adapter.rb, and
// the methods 7.0 and 7.1 added); supportsFalse those it leaves to the
// abstract adapter's false. Any other supports_*? (supports_optimizer_hints?
// asks the server for an extension) is not decided.
var (
	always     = version{4, 2}
	pgSupports = map[string]pgSupport{
		"bulk_alter": {always, 0}, "index_sort_order": {always, 0}, "partial_index": {always, 0},
		"expression_index": {always, 0}, "transaction_isolation": {always, 0}, "foreign_keys": {always, 0},
		"views": {always, 0}, "datetime_with_precision": {always, 0}, "json": {always, 0}, "comments": {always, 0},
		"savepoints": {always, 0}, "ddl_transactions": {always, 0}, "advisory_locks": {always, 0},
		"explain": {always, 0}, "extensions": {always, 0}, "materialized_views": {always, 0},
		"foreign_tables": {version{5, 2}, 0}, "pgcrypto_uuid": {version{5, 2}, 9},
		"validate_constraints": {version{5, 2}, 0}, "partitioned_indexes": {version{6, 0}, 11},
		"insert_returning": {version{6, 0}, 0}, "insert_on_conflict": {version{6, 0}, 9},
		"insert_on_duplicate_skip": {version{6, 0}, 9}, "insert_on_duplicate_update": {version{6, 0}, 9},
		"insert_conflict_target": {version{6, 0}, 9}, "common_table_expressions": {version{6, 0}, 0},
		"lazy_transactions": {version{6, 0}, 0}, "check_constraints": {version{6, 1}, 0},
		"virtual_columns": {version{7, 0}, 12}, "index_include": {version{7, 1}, 11},
		"nulls_not_distinct": {version{7, 1}, 15}, "exclusion_constraints": {version{7, 1}, 0},
		"unique_constraints": {version{7, 1}, 0}, "unique_keys": {version{7, 1}, 0},
		"deferrable_constraints": {version{7, 1}, 0}, "identity_columns": {version{7, 1}, 0},
		"restart_db_transaction": {version{7, 1}, 0}, "native_partitioning": {version{7, 1}, 10},
	}
	supportsFalse = map[string]bool{"indexes_in_create": true, "comments_in_create": true}
)

// supports answers supports_<what>?; ok is false when it is not decided.
func (t *tr) supports(what string) (yes, ok bool) {
	if s, found := pgSupports[what]; found {
		return t.ver.atLeast(s.since.major, s.since.minor) && t.pgMajor() >= s.minPG, true
	}
	if supportsFalse[what] {
		return false, true
	}
	return false, false
}

// pgMajor is the PostgreSQL major version the migrations run on.
func (t *tr) pgMajor() int {
	if t.pg == 0 {
		return 16
	}
	return t.pg
}

// adapterQuestion answers a call about the database adapter on recv
// (nil: the migration, which hands such calls to its connection); ok is
// false when the call is none.
func (t *tr) adapterQuestion(n, recv *node, name string, argsN *node, e *env) (value, bool) {
	onConnection := recv == nil || isConnection(recv, t.src)
	switch {
	case onConnection && name == "adapter_name":
		return value{k: kString, s: adapterName, n: n}, true
	case onConnection && strings.HasPrefix(name, "supports_") && strings.HasSuffix(name, "?"):
		yes, ok := t.supports(strings.TrimSuffix(strings.TrimPrefix(name, "supports_"), "?"))
		if !ok {
			return value{n: n}, true
		}
		return value{k: kBool, b: yes, n: n}, true
	case onConnection && (name == "postgresql_version" || name == "database_version" || name == "get_database_version"):
		v := int64(t.pgMajor()) * 10000
		return value{k: kInt, i: v, s: strconv.FormatInt(v, 10), n: n}, true
	case onConnection && (name == "is_a?" || name == "kind_of?" || name == "instance_of?"):
		if argsN == nil || argsN.NamedChildCount() != 1 {
			return value{}, false
		}
		class := t.text(argsN.NamedChild(0))
		if !strings.HasSuffix(class, "Adapter") {
			return value{}, false
		}
		return value{k: kBool, b: strings.HasSuffix(class, "PostgreSQLAdapter"), n: n}, true
	case name == "connection_db_config" || name == "connection_config" || name == "db_config" || name == "configuration_hash":
		if recv != nil && !isConnection(recv, t.src) && recv.Type() != "constant" && recv.Type() != "scope_resolution" && t.eval(recv, e).k != kHash {
			return value{}, false
		}
		return dbConfig(n), true
	case dbPredicates[name] != triUnknown && recv != nil && (isConnection(recv, t.src) || strings.HasSuffix(t.text(recv), "Database")):
		// An application's own question about the database
		// (Redmine::Database.mysql?): decided by its name.
		return value{k: kBool, b: dbPredicates[name] == triTrue, n: n}, true
	case name == "adapter":
		if recv != nil {
			if cfg := t.eval(recv, e); cfg.k == kHash {
				if v, ok := cfg.get("adapter"); ok {
					return v, true
				}
			}
		}
	}
	return value{}, false
}

// dbPredicates are the names applications give their question "which
// database is this?".
var dbPredicates = map[string]tri{
	"postgresql?": triTrue, "postgres?": triTrue, "pg?": triTrue,
	"mysql?": triFalse, "mariadb?": triFalse, "sqlite?": triFalse, "sqlite3?": triFalse,
	"sqlserver?": triFalse, "mssql?": triFalse, "oracle?": triFalse, "trilogy?": triFalse,
}

// dbConfig is the database configuration as far as it is known: its
// adapter.
func dbConfig(n *node) value {
	return value{k: kHash, n: n, list: []value{{k: kSymbol, s: "adapter"}}, vals: []value{{k: kString, s: configAdapter}}}
}

// regexValue reads a regex literal without interpolation into a Go
// regular expression; unknown for one it cannot translate.
func (t *tr) regexValue(n *node) value {
	var body strings.Builder
	flags := ""
	for _, k := range tsnode.Children(n) {
		switch k.Type() {
		case "string_content":
			body.WriteString(t.text(k))
		case "interpolation":
			return value{n: n}
		case "/":
			if txt := t.text(k); len(txt) > 1 {
				flags = txt[1:]
			}
		default:
			if k.IsNamed() {
				return value{n: n}
			}
			if txt := t.text(k); strings.HasPrefix(txt, "/") && len(txt) > 1 {
				flags = txt[1:]
			}
		}
	}
	src, err := rubyre.Source(body.String(), flags)
	if err != nil {
		return value{n: n}
	}
	if _, err := regexp.Compile(src); err != nil {
		return value{n: n}
	}
	return value{k: kRegex, s: src, n: n}
}

// match is Ruby's =~ of a string and a regex: the index of the match or
// nil; ok is false unless one side is a string and the other a regex.
func match(a, b value) (value, bool) {
	if a.k == kRegex {
		a, b = b, a
	}
	if b.k != kRegex || (a.k != kString && a.k != kSymbol) {
		return value{}, false
	}
	re, err := regexp.Compile(b.s)
	if err != nil {
		return value{}, false
	}
	loc := re.FindStringIndex(a.s)
	if loc == nil {
		return value{k: kNil}, true
	}
	return value{k: kInt, i: int64(loc[0]), s: strconv.Itoa(loc[0])}, true
}

// stringQuestion answers the String, Symbol and Array predicates
// conditions use (include?, start_with?, match?, casecmp?, in?, nil?,
// empty?); ok is false for any other call or unknown operands.
func stringQuestion(name string, x value, pos []value) (bool, bool) {
	str := func(v value) (string, bool) {
		if v.k == kString || v.k == kSymbol {
			return v.s, true
		}
		return "", false
	}
	switch name {
	case "nil?":
		if !x.known() {
			return false, false
		}
		return x.k == kNil, true
	case "empty?", "blank?", "present?":
		var empty bool
		switch {
		case x.k == kString || x.k == kSymbol:
			empty = x.s == "" || (name != "empty?" && strings.TrimSpace(x.s) == "")
		case x.k == kArray || x.k == kHash:
			empty = len(x.list) == 0
		case x.k == kNil && name != "empty?":
			empty = true
		default:
			return false, false
		}
		return empty != (name == "present?"), true
	case "in?":
		if len(pos) != 1 || pos[0].k != kArray {
			return false, false
		}
		return contains(pos[0].list, x)
	}
	if x.k == kRegex && len(pos) == 1 && (name == "match?" || name == "match" || name == "===" || name == "=~") {
		m, ok := match(pos[0], x)
		return m.k != kNil, ok
	}
	if x.k == kArray && name == "include?" && len(pos) == 1 {
		return contains(x.list, pos[0])
	}
	s, ok := str(x)
	if !ok || len(pos) == 0 {
		return false, false
	}
	for _, p := range pos {
		if p.k == kRegex && (name == "match?" || name == "start_with?") {
			m, ok := match(x, p)
			if !ok {
				return false, false
			}
			hit := m.k != kNil && (name == "match?" || m.i == 0)
			if hit {
				return true, true
			}
			continue
		}
		arg, ok := str(p)
		if !ok {
			return false, false
		}
		var hit bool
		switch name {
		case "include?":
			hit = strings.Contains(s, arg)
		case "start_with?":
			hit = strings.HasPrefix(s, arg)
		case "end_with?":
			hit = strings.HasSuffix(s, arg)
		case "casecmp?":
			hit = strings.EqualFold(s, arg)
		case "eql?", "equal?":
			hit = x.k == p.k && s == arg
		default:
			return false, false
		}
		if hit {
			return true, true
		}
	}
	return false, true
}

// contains is Array#include? over known values.
func contains(list []value, x value) (bool, bool) {
	if !x.known() {
		return false, false
	}
	for _, el := range list {
		if !el.known() {
			return false, false
		}
		if equal(el, x) {
			return true, true
		}
	}
	return false, true
}

// equal is Ruby's == between known values.
func equal(a, b value) bool {
	return a.k == b.k && a.s == b.s && a.i == b.i && a.b == b.b && a.f == b.f
}

// caseEqual is pattern === subject for the patterns conditions use:
// a regex against a string, equality of strings, symbols, numbers, nil
// and booleans.
func caseEqual(pattern, subject value) tri {
	if pattern.k == kRegex {
		m, ok := match(subject, pattern)
		if !ok {
			return triUnknown
		}
		return triOf(m.k != kNil)
	}
	scalar := func(v value) bool {
		switch v.k {
		case kNil, kBool, kInt, kFloat, kString, kSymbol:
			return true
		}
		return false
	}
	if !scalar(pattern) || !scalar(subject) {
		return triUnknown
	}
	return triOf(equal(pattern, subject))
}

// caseBranches picks what a case statement runs: the body of the first
// `when` that matches, or the else. When a pattern cannot be decided,
// that branch and all the later ones are returned, and decided is false;
// run says they run (a statement): they are reported and recorded as
// undecided.
func (t *tr) caseBranches(s *node, e *env, run bool) (bodies []*node, decided bool) {
	var subject *node
	var whens []*node
	var elseN *node
	for _, k := range tsnode.Children(s) {
		switch {
		case k.Type() == "when":
			whens = append(whens, k)
		case k.Type() == "else":
			elseN = k
		case k.IsNamed() && subject == nil && whens == nil:
			subject = k
		}
	}
	var subj value
	if subject != nil {
		subj = t.eval(subject, e)
	}
	for i, w := range whens {
		r := triFalse
		for _, p := range tsnode.Children(w) {
			if p.Type() != "pattern" {
				continue
			}
			var pr tri
			switch pat := p.NamedChild(0); {
			case pat == nil || pat.Type() == "splat_argument":
				pr = triUnknown
			case subject == nil:
				pr, _ = t.cond(pat, e)
			default:
				pr = caseEqual(t.eval(pat, e), subj)
			}
			if pr == triTrue {
				r = triTrue
				break
			}
			if pr == triUnknown {
				r = triUnknown
			}
		}
		switch r {
		case triTrue:
			if run {
				t.recognised++
			}
			return []*node{child(w, "then")}, true
		case triUnknown:
			for _, rest := range whens[i:] {
				bodies = append(bodies, child(rest, "then"))
			}
			bodies = append(bodies, elseN)
			if run {
				at := w
				if subject != nil {
					at = subject
				}
				t.hint(at, "case not evaluated: every branch from here is checked, and what is found there is at most a warning")
				for _, b := range bodies {
					t.undecidedSpan(b)
				}
			}
			return bodies, false
		}
	}
	if run {
		t.recognised++
	}
	return []*node{elseN}, true
}

// caseStatement runs a case statement's chosen branch, or every branch
// it cannot choose between.
func (t *tr) caseStatement(s *node, e *env) (bool, value) {
	bodies, _ := t.caseBranches(s, e, true)
	stopAll, first := len(bodies) > 0, value{}
	for i, b := range bodies {
		if b == nil {
			stopAll = false
			continue
		}
		var last value
		stop := t.execBody(tsnode.Children(b), e, &last)
		if i == 0 {
			first = last
		}
		stopAll = stopAll && stop
	}
	return stopAll, first
}

// caseValue is the value of a case expression whose branch is decided.
func (t *tr) caseValue(s *node, e *env) value {
	bodies, decided := t.caseBranches(s, e, false)
	if !decided || len(bodies) != 1 {
		return value{n: s}
	}
	if bodies[0] == nil {
		return value{k: kNil, n: s}
	}
	last := lastNamed(bodies[0])
	if last == nil {
		return value{k: kNil, n: s}
	}
	return t.eval(last, e)
}

// undecidedSpan records a branch no condition decided.
func (t *tr) undecidedSpan(b *node) {
	if b != nil {
		t.undecided = append(t.undecided, t.span(b))
	}
}
