package rails

import (
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// rcall is one call being translated.
type rcall struct {
	n     *node
	name  string
	pos   []value
	o     opts
	argN  []*node
	block *node
	e     *env
	// sp is the call without its block: where findings about it point.
	sp source.Span
}

// onTable is a change_table t.<method> call as the migration method it
// stands for: name, with the table as first argument.
func (c *rcall) onTable(table, name string) *rcall {
	c2 := *c
	c2.pos = append([]value{{k: kString, s: table}}, c.pos...)
	c2.argN = append([]*node{nil}, c.argN...)
	c2.name = name
	return &c2
}

// twoArgs returns the first two positional arguments as names.
func (c *rcall) twoArgs() (a, b string, ok bool) {
	a, ok1 := c.arg(0)
	b, ok2 := c.arg(1)
	return a, b, ok1 && ok2
}

// arg returns positional argument i as a name.
func (c *rcall) arg(i int) (string, bool) {
	if i >= len(c.pos) {
		return "", false
	}
	return c.pos[i].str()
}

// argSpan is the span of positional argument i, or the call's.
func (t *tr) argSpan(c *rcall, i int) source.Span {
	if i < len(c.argN) && c.argN[i] != nil {
		return t.span(c.argN[i])
	}
	return c.sp
}

// headSpan is the span of a call without its block.
func (t *tr) headSpan(n, block *node) source.Span {
	if block == nil {
		return t.span(n)
	}
	end := int(block.StartByte())
	for end > int(n.StartByte()) && (t.src[end-1] == ' ' || t.src[end-1] == '\t') {
		end--
	}
	return t.f.Span(int(n.StartByte()), end)
}

// call runs a call statement.
func (t *tr) call(n *node, e *env) value {
	recv, meth, argsN, block := callParts(n)
	if meth == nil {
		t.hint(n, "code not translated: %s", t.snippet(n))
		return value{}
	}
	name := t.text(meth)
	if recv == nil {
		return t.callByName(n, recv, name, argsN, block, e)
	}
	// t.string, t.index ... on the block parameter of create_table and
	// change_table; dir.up on reversible's.
	if recv.Type() == "identifier" {
		if v, ok := e.lookup(t.text(recv)); ok {
			switch v.k {
			case kTableDef, kTable, kReversible:
				return t.blockParamCall(v, n, name, argsN, block, e)
			case kArray, kHash:
				return t.loop(n, v, name, block, e)
			}
		}
	}
	if isConnection(recv, t.src) {
		return t.callByName(n, recv, name, argsN, block, e)
	}
	switch recv.Type() {
	case "array", "string_array", "symbol_array", "hash":
		return t.loop(n, t.eval(recv, e), name, block, e)
	case "self":
		return t.callByName(n, nil, name, argsN, block, e)
	}
	if block != nil && loopMethods[name] {
		if v := t.eval(recv, e); v.k == kArray || v.k == kHash || (recv.Type() != "constant" && recv.Type() != "scope_resolution" && chainRootIsLocal(recv)) {
			return t.loop(n, v, name, block, e)
		}
	}
	if (recv.Type() == "constant" || recv.Type() == "scope_resolution") && t.discourseCall(n, recv, name, argsN, block, e) {
		return value{}
	}
	if root := chainRoot(recv); root != nil && (root.Type() == "constant" || root.Type() == "scope_resolution") {
		return t.modelCall(n, recv, name, block, e)
	}
	v := t.eval(n, e)
	if v.known() {
		return v
	}
	t.hint(n, "code not translated: %s", t.snippet(n))
	return value{}
}

// isConnection reports receivers that are the database connection:
// connection, self.connection, ActiveRecord::Base.connection,
// Model.connection.
func isConnection(recv *node, src []byte) bool {
	switch recv.Type() {
	case "identifier":
		return text(recv, src) == "connection"
	case "call":
		_, meth, _, _ := callParts(recv)
		return meth != nil && (text(meth, src) == "connection" || text(meth, src) == "lease_connection" || text(meth, src) == "with_connection")
	}
	return false
}

// chainRootIsLocal reports call chains that do not start at a constant
// (a model): `columns.each`, `names.map(&:to_s).each`.
func chainRootIsLocal(n *node) bool {
	root := chainRoot(n)
	return root != nil && root.Type() != "constant" && root.Type() != "scope_resolution"
}

// chainRoot is the innermost receiver of a call chain.
func chainRoot(n *node) *node {
	for n != nil && n.Type() == "call" {
		recv, _, _, _ := callParts(n)
		if recv == nil {
			return n
		}
		n = recv
	}
	return n
}

var loopMethods = map[string]bool{"each": true, "each_with_index": true, "each_pair": true, "map": true, "each_with_object": true}

// dataMethods change rows through models: a data migration.
var dataMethods = map[string]bool{
	"update_all": true, "delete_all": true, "destroy_all": true, "find_each": true, "find_in_batches": true,
	"in_batches": true, "each_batch": true, "update": true, "update!": true, "update_column": true,
	"update_columns": true, "update_attribute": true, "save": true, "save!": true, "create": true, "create!": true,
	"insert_all": true, "insert_all!": true, "upsert_all": true, "upsert": true, "insert": true, "insert!": true,
	"destroy": true, "delete": true, "each": true, "find_or_create_by": true, "find_or_create_by!": true,
	"increment_counter": true, "decrement_counter": true, "update_counters": true, "reset_counters": true,
	"touch_all": true, "delete_by": true, "destroy_by": true,
}

// modelNoops are model methods that change nothing in the database.
var modelNoops = map[string]bool{
	"reset_column_information": true, "table_name": true, "primary_key": true, "column_names": true,
	"reset_sequence_name": true, "clear_cache!": true, "inheritance_column": true, "ignored_columns": true,
	"table_name=": true, "ignored_columns=": true, "reset_table_name": true,
}

// modelCall handles calls on a model class (User.where(...).update_all).
func (t *tr) modelCall(n, recv *node, name string, block *node, e *env) value {
	data := dataMethods[name]
	for x := recv; x != nil && x.Type() == "call" && !data; {
		r, m, _, _ := callParts(x)
		if m != nil && dataMethods[t.text(m)] {
			data = true
		}
		x = r
	}
	switch {
	case data:
		t.recognised++
		t.dataNote(n, "data migration: `%s` changes rows through the model while the migration runs; it is not a schema change, and the old release keeps writing meanwhile", t.snippet(n))
	case modelNoops[name]:
		t.recognised++
	default:
		t.hint(n, "code not translated: %s", t.snippet(n))
	}
	return value{}
}

// loop unrolls `[...].each do |x| ... end` over a literal array or hash.
func (t *tr) loop(n *node, over value, name string, block *node, e *env) value {
	params, body := blockParts(block)
	switch {
	case block == nil:
		return t.eval(n, e)
	case !over.known() || (over.k != kArray && over.k != kHash):
		t.hint(n, "loop over values schemagate cannot compute: the schema changes inside it are not checked")
		return value{}
	}
	bind := func(vals ...value) *env {
		be := newEnv(e)
		for i, p := range params {
			if i < len(vals) {
				be.vars[t.text(p)] = vals[i]
			} else {
				be.vars[t.text(p)] = value{k: kNil}
			}
		}
		return be
	}
	switch name {
	case "each", "each_with_index", "each_pair", "map", "each_with_object":
	default:
		t.hint(n, "code not translated: %s", t.snippet(n))
		return value{}
	}
	if over.k == kArray {
		for i, el := range over.list {
			idx := value{k: kInt, i: int64(i)}
			if len(params) > 1 && name == "each" && el.k == kArray {
				t.exec(body, bind(el.list...))
				continue
			}
			t.exec(body, bind(el, idx))
		}
		return over
	}
	for i := range over.list {
		t.exec(body, bind(over.list[i], over.vals[i]))
	}
	return over
}

// callByName runs a call without receiver (or on the connection): the
// migration DSL, blocks Rails yields to, helper methods of the class.
func (t *tr) callByName(n, recv *node, name string, argsN, block *node, e *env) value {
	c := &rcall{n: n, name: name, block: block, e: e, sp: t.headSpan(n, block)}
	if recv == nil {
		if m := t.methods[name]; m != nil {
			pos, o, _ := t.args(argsN, e)
			return t.callMethod(m, pos, o, nil)
		}
	}
	c.pos, c.o, c.argN = t.args(argsN, e)
	if h, ok := dsl[name]; ok {
		t.recognised++
		// A migration call inside change_table(bulk: true) runs at once,
		// outside the ALTER TABLE being assembled.
		t.withoutBulk(func() { h(t, c) })
		return value{}
	}
	switch name {
	case "reversible":
		t.recognised++
		params, body := blockParts(block)
		be := newEnv(e)
		for _, p := range params {
			be.vars[t.text(p)] = value{k: kReversible}
		}
		t.exec(body, be)
	case "up_only", "say_with_time", "with_lock_retries", "with_lock_timeout", "with_statement_timeout",
		"suppress_messages", "disable_statement_timeout", "without_timeout", "with_lock":
		t.recognised++
		_, body := blockParts(block)
		t.exec(body, newEnv(e))
	case "safety_assured":
		t.recognised++
		t.supp = append(t.supp, t.span(n))
		_, body := blockParts(block)
		t.exec(body, newEnv(e))
	case "transaction":
		t.recognised++
		_, body := blockParts(block)
		outer := t.disableTx && t.txDepth == 0
		if outer {
			t.sendSQL("BEGIN", c.sp)
		}
		t.txDepth++
		t.exec(body, newEnv(e))
		t.txDepth--
		if outer {
			t.sendSQL("COMMIT", t.span(n))
		}
	case "revert":
		t.hint(n, "revert is not translated: the schema changes it makes are not checked")
	case "say", "puts", "print", "p", "pp", "sleep", "raise", "fail", "require", "require_relative",
		"include", "extend", "private", "public", "protected", "disable_ddl_transaction!", "verbose",
		"reset_column_information", "warn", "announce", "write":
		t.recognised++
	case "lambda", "proc":
		return t.procValue(n, block)
	default:
		if _, ok := t.predicate(n, e); ok {
			t.recognised++
			return value{}
		}
		if recv == nil && argsN == nil && block == nil {
			if v, ok := e.lookup(name); ok {
				return v
			}
		}
		t.hint(n, "`%s` is not a migration method schemagate knows: what it does to the schema is not checked", name)
	}
	return value{}
}

// blockParamCall handles t.* inside create_table/change_table and
// dir.up/dir.down inside reversible.
func (t *tr) blockParamCall(p value, n *node, name string, argsN, block *node, e *env) value {
	c := &rcall{n: n, name: name, block: block, e: e, sp: t.headSpan(n, block)}
	c.pos, c.o, c.argN = t.args(argsN, e)
	switch p.k {
	case kReversible:
		switch name {
		case "up":
			t.recognised++
			_, body := blockParts(block)
			t.exec(body, newEnv(e))
		case "down":
			t.recognised++
		default:
			t.hint(n, "code not translated: %s", t.snippet(n))
		}
	case kTableDef:
		t.tableDefCall(p.ref.(*tableDef), c)
	case kTable:
		t.tableCall(p.ref.(*changeTable), c)
	}
	return value{}
}

// predicate evaluates the schema questions migrations guard with.
func (t *tr) predicate(n *node, e *env) (tri, bool) {
	if n.Type() != "call" && n.Type() != "identifier" {
		return triUnknown, false
	}
	var name string
	var argsN *node
	if n.Type() == "identifier" {
		name = t.text(n)
	} else {
		recv, meth, a, _ := callParts(n)
		if meth == nil {
			return triUnknown, false
		}
		name, argsN = t.text(meth), a
		if recv != nil {
			if v, ok := e.lookup(t.text(recv)); ok && (v.k == kTableDef || v.k == kTable) {
				// t.column_exists?(:x) inside change_table.
				ct, _ := v.ref.(*changeTable)
				if ct == nil {
					return triUnknown, true
				}
				return t.tablePredicate(ct.name, name, argsN, e)
			}
			if !isConnection(recv, t.src) {
				return triUnknown, false
			}
		}
	}
	switch name {
	case "reverting?":
		return triFalse, true
	case "table_exists?", "data_source_exists?", "column_exists?", "index_exists?", "index_name_exists?",
		"foreign_key_exists?", "check_constraint_exists?", "extension_enabled?", "view_exists?", "column_exist?":
	default:
		return triUnknown, false
	}
	pos, o, _ := t.args(argsN, e)
	first := ""
	if len(pos) > 0 {
		first, _ = pos[0].str()
	}
	if name == "extension_enabled?" {
		if t.extensionEnabled(first) {
			return triTrue, true
		}
		return triUnknown, true
	}
	return t.tableQuestion(first, name, pos, o)
}

func (t *tr) tablePredicate(table, name string, argsN *node, e *env) (tri, bool) {
	pos, o, _ := t.args(argsN, e)
	name = strings.TrimSuffix(name, "?")
	switch name {
	case "column_exists", "index_exists", "foreign_key_exists", "check_constraint_exists":
	default:
		return triUnknown, false
	}
	return t.tableQuestion(table, name+"?", append([]value{{k: kString, s: table}}, pos...), o)
}

// tableQuestion answers a predicate about table from the replayed state;
// unknown tables give triUnknown.
func (t *tr) tableQuestion(table, name string, pos []value, o opts) (tri, bool) {
	tb := t.table(table)
	switch name {
	case "table_exists?", "data_source_exists?", "view_exists?":
		if tb != nil {
			return triTrue, true
		}
		return triUnknown, true
	}
	if tb == nil {
		return triUnknown, true
	}
	switch name {
	case "column_exists?", "column_exist?":
		if len(pos) < 2 {
			return triUnknown, true
		}
		col, ok := pos[1].str()
		if !ok {
			return triUnknown, true
		}
		return triOf(tb.Column(col) != nil), true
	case "index_exists?":
		if nm, ok := o.str("name"); ok {
			return triOf(t.indexNamed(table, nm) != nil), true
		}
		if len(pos) < 2 {
			return triUnknown, true
		}
		cols, ok := pos[1].names()
		if !ok {
			return triUnknown, true
		}
		for _, i := range t.indexes(table) {
			if slices.Equal(i.Columns, cols) {
				return triTrue, true
			}
		}
		return triFalse, true
	case "index_name_exists?":
		if len(pos) < 2 {
			return triUnknown, true
		}
		nm, _ := pos[1].str()
		return triOf(t.indexNamed(table, nm) != nil), true
	case "foreign_key_exists?":
		to := ""
		if len(pos) > 1 {
			to, _ = pos[1].str()
		}
		return triOf(t.findForeignKey(tb, to, o) != nil), true
	case "check_constraint_exists?":
		nm, ok := o.str("name")
		if !ok {
			if len(pos) < 2 {
				return triUnknown, true
			}
			expr, _ := pos[1].str()
			nm = checkConstraintName(table, expr)
		}
		return triOf(hasCheck(tb, nm)), true
	}
	return triUnknown, true
}
