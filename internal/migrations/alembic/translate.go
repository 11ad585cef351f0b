package alembic

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// translator walks one revision's upgrade() the way Python would run it:
// statement by statement, with the names assigned so far, and emits the
// operations of every Alembic call.
type translator struct {
	m       *migration.Migration
	file    *source.File
	src     []byte
	mod     *module
	ver     int
	globals map[string]*expr // module-level names, as upgrade() sees them
	env     map[string]*expr // names visible where the walk is

	out    ops.List
	opsBuf []ops.Op          // one statement's operations until out copies them
	queue  []queued          // statements emitted, not yet parsed
	sent   migration.SentSQL // the statements alembic sends, in order
	auto   []bool            // per op: inside autocommit_block()
	seg    []int             // per op: how many autocommit blocks ended before it
	notes  []migration.Note
	stmt   int // running statement index

	autoDepth int
	segment   int
	batches   map[*expr]*batchState
	depth     int  // helper-function inlining depth
	returned  bool // a return statement ended the function being walked
	steps     int  // statements walked, bounded by maxSteps
	// undecided are the blocks of branches no condition decided;
	// restUndecided is set when one of them returns.
	undecided     []source.Span
	restUndecided bool

	unknownDefaults map[string]string // placeholder function -> Python source of a default

	guards int // conditions around the walk that ask whether an object exists
}

// unknown stands for a value only known when the migration runs (a loop
// variable over a query, a function result).
func unknown(name string) *expr { return &expr{kind: exprOther, text: name, start: -1, end: -1} }

func translate(m *migration.Migration, opt migration.TranslateOptions) migration.Translation {
	ver := opt.PGVersion
	if ver == 0 {
		ver = ops.DefaultPGVersion
	}
	t := &translator{
		m: m, file: m.File, src: m.File.Text, ver: ver,
		env: map[string]*expr{}, batches: map[*expr]*batchState{}, unknownDefaults: map[string]string{},
	}
	t.mod = parseModule(t.src)
	for _, e := range t.mod.errors {
		msg := "Python syntax error: alembic cannot import this revision"
		switch {
		case e.message != "":
			msg = e.message
		case e.missing != "":
			msg = fmt.Sprintf("Python syntax error: missing %q", e.missing)
		}
		end := e.end
		if end == e.start {
			end = e.start + 1
		}
		t.notes = append(t.notes, migration.Note{Kind: migration.NoteSyntaxError, Span: t.file.Span(e.start, end), Message: msg})
	}
	if t.mod.tooDeep {
		return migration.Translation{Migration: m, Notes: t.notes}
	}
	// Module-level assignments (constants, enum types, tables) are what
	// upgrade() sees; nothing else at module level runs an operation.
	for _, s := range t.mod.body {
		if s.kind == stmtAssign {
			for _, tg := range s.targets {
				t.bind(tg, s.x)
			}
		}
	}
	t.globals = maps.Clone(t.env)
	up := t.mod.funcs["upgrade"]
	if up == nil {
		t.note(migration.NoteUnrecognised, 0, len(firstLineText(t.src)), "no upgrade() function: alembic fails to run this revision, and there is nothing to check")
	} else {
		before := len(t.notes)
		t.block(up.body)
		t.flush()
		if t.out.Len() == 0 && len(t.notes) == before && hasCode(up.body) {
			end := up.start + len(firstLineText(t.src[up.start:]))
			t.note(migration.NoteUnrecognised, up.start, end, "upgrade() runs code but no Alembic operation schemagate recognises: nothing in it is checked")
		}
	}
	list := t.finish()
	return migration.Translation{Migration: m, Ops: list, Notes: t.notes, Undecided: t.undecided, SQL: t.sent.Statements(list, t.m.Transactional)}
}

// hasCode reports whether a body does more than pass and docstrings.
func hasCode(body []*stmt) bool {
	for _, s := range body {
		switch {
		case s.kind == stmtPass, s.kind == stmtExpr && s.x.kind == exprString:
		default:
			return true
		}
	}
	return false
}

func firstLineText(src []byte) string {
	s := string(src)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (t *translator) note(kind migration.NoteKind, start, end int, format string, args ...any) {
	if start < 0 {
		start, end = 0, 0
	}
	t.flush()
	t.notes = append(t.notes, migration.Note{Kind: kind, Span: t.file.Span(start, end), Message: fmt.Sprintf(format, args...)})
}

// noteAt puts a note on an expression (on the call when e has no
// position of its own, such as a value only known at run time).
func (t *translator) noteAt(e, call *expr, format string, args ...any) {
	if e == nil || e.start < 0 {
		e = call
	}
	if e == nil {
		t.note(migration.NoteUnrecognised, 0, 0, format, args...)
		return
	}
	t.note(migration.NoteUnrecognised, e.start, e.end, format, args...)
}

// source returns the Python text of e, shortened for messages.
func (t *translator) source(e *expr) string {
	if e == nil {
		return ""
	}
	if e.start < 0 {
		return e.text
	}
	s := strings.Join(strings.Fields(string(t.src[e.start:e.end])), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:57]) + "..."
	}
	return s
}

// finish marks the transaction state and returns the operations.
// Alembic commits before an autocommit_block() and begins a new
// transaction after it (in --sql output: COMMIT; ... BEGIN;). Those statements are not emitted as
// operations, because a COMMIT operation would read as the migration
// ending the tool's transaction (transaction-nesting): instead the
// operations inside the block are outside any transaction (Tx 0) and the
// ones after it are in a new transaction, numbered as a COMMIT/BEGIN pair
// would number it.
func (t *translator) finish() []ops.Op {
	list := t.out.All()
	ops.Annotate(list, t.m.Transactional)
	next := 0
	ids := map[[2]int]int{}
	for i := range list {
		op := &list[i]
		if t.auto[i] {
			op.InTransaction, op.Tx = false, 0
			continue
		}
		if op.Tx == 0 {
			continue
		}
		k := [2]int{t.seg[i], op.Tx}
		id, ok := ids[k]
		if !ok {
			next++
			id = next
			ids[k] = id
		}
		op.Tx = id
	}
	return list
}

func (t *translator) block(stmts []*stmt) {
	for i, s := range stmts {
		if t.returned {
			return
		}
		t.statement(s)
		if t.restUndecided {
			t.restUndecided = false
			t.undecidedBlock(stmts[i+1:])
		}
	}
}

// maxSteps bounds the statements walked (loops unrolled, helpers
// inlined), so that no input makes translation slow.
const maxSteps = 100_000

func (t *translator) statement(s *stmt) {
	t.steps++
	if t.steps == maxSteps {
		t.note(migration.NoteUnrecognised, s.start, s.headerEnd, "schemagate stopped translating here: the loops and helper calls of this migration run too many statements to follow")
	}
	if t.steps >= maxSteps {
		t.returned = true
		return
	}
	switch s.kind {
	case stmtPass, stmtError, stmtDef:
	case stmtExpr:
		switch s.x.kind {
		case exprString, exprNumber, exprNone, exprBool:
			// A docstring or a bare constant does nothing.
		case exprCall:
			t.call(s.x)
		default:
			if s.x.kind == exprOther && s.x.text == "..." {
				return
			}
			t.note(migration.NoteUnrecognised, s.start, s.end, "schemagate cannot translate `%s`: it is not an Alembic operation", t.source(s.x))
		}
	case stmtAssign:
		if s.x.kind == exprCall {
			t.call(s.x)
		}
		for _, tg := range s.targets {
			t.bind(tg, s.x)
		}
	case stmtWith:
		t.with(s)
	case stmtFor:
		t.forLoop(s)
	case stmtIf:
		t.ifStmt(s)
	case stmtOther:
		if s.what == "return" {
			t.returned = true
			return
		}
		t.note(migration.NoteUnrecognised, s.start, s.headerEnd, "schemagate cannot translate this %s statement: the Alembic calls inside it are translated as if it were not there", s.what)
		for _, b := range s.blocks {
			t.block(b)
		}
	}
}

// bind assigns v to a target.
func (t *translator) bind(tg target, v *expr) {
	if !tg.ok {
		return
	}
	r := t.fold(t.resolve(v))
	if !tg.tuple {
		t.env[tg.names[0]] = r
		return
	}
	if items, ok := t.items(r); ok && len(items) == len(tg.names) {
		for i, n := range tg.names {
			t.env[n] = t.resolve(items[i])
		}
		return
	}
	for _, n := range tg.names {
		t.env[n] = unknown(n)
	}
}

// resolve follows names to the value last assigned to them, and a
// conditional expression to the branch its condition decides.
func (t *translator) resolve(e *expr) *expr {
	for i := 0; e != nil && i < 32; i++ {
		switch e.kind {
		case exprName:
			v, ok := t.env[e.name]
			if !ok || v == e {
				return e
			}
			e = v
		case exprCall:
			body, ok := t.applyLambda(e)
			if !ok {
				return e
			}
			e = body
		case exprCond:
			yes, known := t.truth(e.x)
			switch {
			case !known || len(e.args) != 1:
				return e
			case yes:
				e = e.y
			default:
				e = e.args[0]
			}
		default:
			return e
		}
	}
	return e
}

// applyLambda returns what a call of a lambda evaluates to: its body,
// with the arguments in place of the parameters (resolved where the call
// is, as Python binds them).
func (t *translator) applyLambda(call *expr) (*expr, bool) {
	if call.x == nil || call.x.kind == exprLambda {
		return nil, false
	}
	f := t.resolve(call.x)
	if f == nil || f.kind != exprLambda || len(call.args) != len(f.rare().params) || len(call.kw) > 0 || len(call.rare().star) > 0 || call.dstar {
		return nil, false
	}
	if len(f.rare().params) == 0 {
		return f.x, true
	}
	bound := map[string]*expr{}
	for i, p := range f.rare().params {
		bound[p] = t.resolve(call.args[i])
	}
	return substitute(f.x, bound, 0), true
}

// substitute copies e with the names bound replaced by their values.
func substitute(e *expr, bound map[string]*expr, depth int) *expr {
	if e == nil || depth > 64 {
		return e
	}
	if e.kind == exprName {
		if v, ok := bound[e.name]; ok {
			return v
		}
		return e
	}
	if e.kind == exprLambda {
		for _, p := range e.rare().params {
			if _, ok := bound[p]; ok {
				return e // shadowed; nested lambdas are rare enough
			}
		}
	}
	c := *e
	c.x, c.y = substitute(e.x, bound, depth+1), substitute(e.y, bound, depth+1)
	c.args = make([]*expr, len(e.args))
	for i, a := range e.args {
		c.args[i] = substitute(a, bound, depth+1)
	}
	if e.more != nil {
		more := *e.more
		more.keys = make([]*expr, len(e.more.keys))
		for i, k := range e.more.keys {
			more.keys[i] = substitute(k, bound, depth+1)
		}
		c.more = &more
	}
	c.kw = make([]keyword, len(e.kw))
	for i, k := range e.kw {
		c.kw[i] = keyword{name: k.name, value: substitute(k.value, bound, depth+1)}
	}
	c.str = make([]strPart, len(e.str))
	for i, p := range e.str {
		c.str[i] = p
		c.str[i].interp = substitute(p.interp, bound, depth+1)
	}
	return &c
}

// items returns the elements of a list or tuple display, the keys of a
// dict, or the (key, value) pairs of dict.items().
func (t *translator) items(e *expr) ([]*expr, bool) {
	e = t.resolve(e)
	if e == nil {
		return nil, false
	}
	switch e.kind {
	case exprList:
		return e.args, true
	case exprDict:
		return e.rare().keys, true
	case exprCall:
		if e.x.kind == exprAttr && len(e.args) == 0 {
			d := t.resolve(e.x.x)
			if d.kind != exprDict {
				return nil, false
			}
			switch e.x.name {
			case "keys":
				return d.rare().keys, true
			case "values":
				return d.args, true
			case "items":
				out := make([]*expr, len(d.rare().keys))
				for i := range d.rare().keys {
					out[i] = &expr{kind: exprList, tuple: true, start: d.rare().keys[i].start, end: d.args[i].end, args: []*expr{d.rare().keys[i], d.args[i]}}
				}
				return out, true
			}
		}
	}
	return nil, false
}

// qualify returns the dotted path e names, with imported names replaced
// by what they were imported as ("sa.String" -> "sqlalchemy.String").
func (t *translator) qualify(e *expr) string { return t.qualifyDepth(e, 0) }

func (t *translator) qualifyDepth(e *expr, depth int) string {
	if e == nil || depth > 32 {
		return ""
	}
	switch e.kind {
	case exprName:
		if v, ok := t.env[e.name]; ok && v != e && v.kind != exprOther {
			return t.qualifyDepth(v, depth+1)
		}
		if p, ok := t.mod.imports[e.name]; ok {
			return p
		}
		return e.name
	case exprAttr:
		q := t.qualifyDepth(e.x, depth+1)
		if q == "" {
			return ""
		}
		return q + "." + e.name
	}
	return ""
}

// aliases are the usual names of SQLAlchemy modules, accepted when a file
// does not import them (it would not run, but its intent is clear).
var aliases = map[string]bool{"sa": true, "sqlalchemy": true, "postgresql": true, "pg": true, "psql": true, "postgres": true, "types": true, "sqltypes": true, "schema": true}

// libName tells whether e names something from SQLAlchemy (or a library
// of SQLAlchemy types) and returns its last name ("sa.types.String" ->
// "String").
func (t *translator) libName(e *expr) (lib, name string) {
	// q is the qualified path: for x.name, the path of x and name, not
	// joined (a revision asks this of every type and column it has).
	q, bare := "", true
	if e != nil && e.kind == exprAttr {
		q, name, bare = t.qualifyDepth(e.x, 1), e.name, false
	} else {
		q = t.qualify(e)
		name = q[strings.LastIndexByte(q, '.')+1:]
	}
	if q == "" {
		return "", ""
	}
	root, _, _ := strings.Cut(q, ".")
	switch root {
	case "sqlalchemy", "sqlmodel", "geoalchemy2", "sqlalchemy_utils", "alembic":
		return root, name
	}
	if q == "oslo_db.sqlalchemy.types.String" && bare || q == "oslo_db.sqlalchemy.types" && name == "String" && !bare {
		// OpenStack's String: SQLAlchemy's, with a MySQL NDB variant
		// (mysql_ndb_type=, mysql_ndb_length=) PostgreSQL never sees.
		return "sqlalchemy", name
	}
	first := e
	for first.kind == exprAttr {
		first = first.x
	}
	if first.kind != exprName {
		return "", ""
	}
	if _, imported := t.mod.imports[first.name]; imported {
		return "", ""
	}
	if _, bound := t.env[first.name]; bound {
		return "", ""
	}
	if bare && root == q {
		// A bare name: SQLAlchemy's when imported with *, or not imported.
		for _, m := range t.mod.star {
			if strings.HasPrefix(m, "sqlalchemy") {
				return "sqlalchemy", name
			}
		}
		if len(t.mod.star) == 0 {
			return "sqlalchemy", name
		}
		return "", ""
	}
	if aliases[root] {
		return "sqlalchemy", name
	}
	return "", ""
}

// isOpModule reports whether e is alembic's op or context proxy.
func (t *translator) isOpModule(e *expr) bool {
	switch t.qualify(e) {
	case "alembic.op", "alembic.context", "op", "context":
		return true
	}
	return false
}

// alembicCall returns the name of the op/context function e calls
// ("get_bind" for op.get_bind()), or "".
func (t *translator) alembicCall(e *expr) string {
	e = t.resolve(e)
	if e == nil || e.kind != exprCall || e.x.kind != exprAttr {
		return ""
	}
	if t.isOpModule(e.x.x) {
		return e.x.name
	}
	return ""
}

// isConnection reports whether e is the migration's connection
// (op.get_bind(), op.get_context().connection/bind).
func (t *translator) isConnection(e *expr) bool {
	e = t.resolve(e)
	if e == nil {
		return false
	}
	if t.alembicCall(e) == "get_bind" {
		return true
	}
	if e.kind == exprCall && e.x.kind == exprAttr && e.x.name == "connect" && len(e.args) == 0 && t.isConnection(e.x.x) {
		// op.get_bind().connect(): SQLAlchemy 1.x branches the same
		// connection, in the same transaction (2.0 ports drop the call).
		return true
	}
	if e.kind == exprAttr && (e.name == "connection" || e.name == "bind") && (t.alembicCall(e.x) == "get_context" || t.isOpModule(e.x)) {
		// op.get_context().bind, context.bind
		return true
	}
	return false
}

// call runs a call made as a statement (or as the value of an
// assignment).
func (t *translator) call(e *expr) {
	if body, ok := t.applyLambda(e); ok {
		// A lambda called for what it does: its body, if a call; a
		// body the translator does not read is the unknown call.
		switch {
		case body.kind == exprCall && t.depth < 8:
			t.depth++
			t.call(body)
			t.depth--
		case body.kind == exprOther || body.kind == exprCall:
			t.unknownCall(e)
		}
		return
	}
	fn := e.x
	if harmless[rootName(fn)] {
		return
	}
	if fn.kind == exprAttr {
		obj := t.resolve(fn.x)
		switch {
		case t.isOpModule(obj):
			t.opCall(fn.name, e, nil)
			return
		case t.isConnection(obj):
			t.connectionCall(fn.name, e)
			return
		case obj.kind == exprCall && t.alembicCall(obj) == "batch_alter_table":
			if bs := t.batches[obj]; bs != nil && bs.active {
				t.opCall(fn.name, e, bs)
				return
			}
			t.note(migration.NoteUnrecognised, e.start, e.end, "a batch operation used outside its `with op.batch_alter_table(...)` block: alembic does not run it")
			return
		case (fn.name == "create" || fn.name == "drop") && t.isEnumType(obj):
			t.enumDDL(fn.name, obj, e)
			return
		case fn.name == "create" && t.isIndex(obj):
			// sa.Index("ix", table.c.col).create(bind): SQLAlchemy's own
			// DDL, the CREATE INDEX op.create_index sends.
			if ps, ok := t.indexCreate(obj, e); ok {
				t.run(ps...)
				return
			}
		case fn.name == "alter":
			if ps, ok := t.migrateAlter(obj, e); ok {
				t.run(ps...)
				return
			}
		case fn.name == "execute" && len(e.args) == 0 && len(e.kw) == 0:
			// table.update().values(...).execute(): SQLAlchemy 1.x runs a
			// construct on the connection its metadata is bound to, the
			// migration's; SQLAlchemy 2.0 ports write op.execute(...).
			if ps, ok := t.construct(e, obj); ok {
				t.run(ps...)
				return
			}
		}
		if t.pureCall(e) {
			return
		}
	}
	if fn.kind == exprName {
		if f := t.mod.funcs[fn.name]; f != nil && fn.name != "upgrade" && fn.name != "downgrade" {
			if _, shadowed := t.env[fn.name]; !shadowed {
				t.inline(f, e)
				return
			}
		}
		if lib, _ := t.libName(fn); lib != "" {
			return // a SQLAlchemy constructor builds a value
		}
	}
	if fn.kind == exprOther && strings.HasPrefix(strings.ReplaceAll(fn.text, " ", ""), "globals()[") {
		// The multidb template: upgrade() dispatches to upgrade_<engine>().
		for _, name := range sortedFuncs(t.mod, "upgrade_") {
			t.inline(t.mod.funcs[name], &expr{kind: exprCall, x: &expr{kind: exprName, name: name}, start: e.start, end: e.end})
		}
		return
	}
	t.unknownCall(e)
}

// harmless are calls that only print or log.
var harmless = map[string]bool{"print": true, "logger": true, "log": true, "logging": true, "warnings": true}

func rootName(e *expr) string {
	for e != nil && e.kind == exprAttr {
		e = e.x
	}
	if e != nil && e.kind == exprName {
		return e.name
	}
	return ""
}

// pureCall reports calls that only build a value: SQLAlchemy constructs
// and their methods (sa.table(...).c), str methods. SQLAlchemy's own DDL
// (Table.create(bind), metadata.create_all(bind)) is not pure.
func (t *translator) pureCall(e *expr) bool {
	fn := e.x
	switch fn.name {
	case "create", "create_all", "drop", "drop_all":
		return false
	}
	if lib, _ := t.libName(fn); lib != "" && lib != "alembic" {
		return true
	}
	obj := t.resolve(fn.x)
	if obj.kind == exprString {
		return true
	}
	if obj.kind == exprCall {
		if lib, name := t.libName(obj.x); lib != "" && lib != "alembic" && name != "Session" && name != "sessionmaker" {
			return true
		}
	}
	return false
}

func (t *translator) unknownCall(e *expr) {
	if fn := e.x; fn.kind == exprAttr && (fn.name == "create" || fn.name == "create_all" || fn.name == "drop" || fn.name == "drop_all") {
		t.note(migration.NoteUnrecognised, e.start, e.end, "`%s` changes the schema through SQLAlchemy's metadata, not an Alembic operation: it is not checked", t.source(fn))
		return
	}
	if t.isDataAccess(e) {
		if fn := e.x; fn.kind == exprAttr && (fn.name == "close" || fn.name == "close_all") {
			return // closing a session or connection changes no data
		}
		t.note(migration.NoteDataMigration, e.start, e.end, "`%s` changes data through the connection or the ORM inside the migration's transaction: schemagate does not check it", t.source(e.x))
		return
	}
	t.note(migration.NoteUnrecognised, e.start, e.end, "`%s(...)` is not an Alembic operation schemagate knows: the schema changes it makes are not checked", t.source(e.x))
}

// isDataAccess reports whether a call goes through the connection or an
// ORM session.
func (t *translator) isDataAccess(e *expr) bool {
	x := e
	for i := 0; x != nil && i < 64; i++ {
		switch x.kind {
		case exprCall:
			if t.isConnection(x) {
				return true
			}
			if _, name := t.libName(x.x); name == "Session" || name == "sessionmaker" || name == "scoped_session" {
				return true
			}
			x = x.x
		case exprAttr:
			if t.isConnection(x) {
				return true
			}
			x = x.x
		case exprName:
			r := t.resolve(x)
			if r != x && r.kind != exprOther {
				x = r
				continue
			}
			n := strings.ToLower(x.name)
			return strings.Contains(n, "session") || n == "conn" || n == "connection" || n == "bind"
		default:
			return false
		}
	}
	return false
}

// connectionCall handles conn.execute(...) on the migration's connection:
// the SQL runs in the migration's transaction like op.execute.
func (t *translator) connectionCall(name string, e *expr) {
	switch name {
	case "execute", "exec_driver_sql":
		if len(e.args) == 0 {
			t.note(migration.NoteUnrecognised, e.start, e.end, "execute() without a statement")
			return
		}
		t.execute(e, e.args[0])
	case "connect", "close":
		// The same connection (see isConnection); closing it is
		// alembic's business.
	default:
		t.note(migration.NoteDataMigration, e.start, e.end, "`%s` uses the migration's connection directly: schemagate does not check it", t.source(e.x))
	}
}

// inline walks a module-level helper function called from upgrade().
func (t *translator) inline(f *funcDef, e *expr) {
	if t.depth >= 8 {
		t.note(migration.NoteUnrecognised, e.start, e.end, "helper functions nested too deep (or recursive): not translated")
		return
	}
	saved, savedRet := t.env, t.returned
	t.env = maps.Clone(t.globals)
	for i, p := range f.params {
		var v *expr
		switch {
		case p.star:
			v = unknown(p.name)
		case i < len(e.args) && !isStarArg(e, i):
			v = resolveIn(saved, e.args[i])
		default:
			for _, k := range e.kw {
				if k.name == p.name {
					v = resolveIn(saved, k.value)
				}
			}
			if v == nil && p.def != nil {
				v = t.resolve(p.def)
			}
		}
		if v == nil {
			v = unknown(p.name)
		}
		t.env[p.name] = v
	}
	t.depth++
	t.returned = false
	t.block(f.body)
	t.depth--
	t.env, t.returned = saved, savedRet
}

func isStarArg(e *expr, i int) bool {
	for _, s := range e.rare().star {
		if s <= i {
			return true
		}
	}
	return false
}

// resolveIn resolves e in another environment (the caller's).
func resolveIn(env map[string]*expr, e *expr) *expr {
	for i := 0; e != nil && e.kind == exprName && i < 32; i++ {
		v, ok := env[e.name]
		if !ok || v == e {
			return e
		}
		e = v
	}
	return e
}

func (t *translator) with(s *stmt) {
	var exits []func()
	for _, it := range s.items {
		x := t.resolve(it.x)
		if x == nil {
			continue
		}
		switch {
		case x.kind == exprCall && x.x.kind == exprAttr && x.x.name == "autocommit_block" && t.alembicCall(x.x.x) == "get_context":
			t.autoDepth++
			exits = append(exits, func() {
				t.autoDepth--
				if t.autoDepth == 0 {
					t.segment++
				}
			})
		case t.alembicCall(x) == "batch_alter_table":
			bs := t.startBatch(x)
			if it.as != "" {
				t.env[it.as] = x
			}
			exits = append(exits, func() { t.flushBatch(bs) })
		case t.isSessionScope(x):
			// `with Session(bind=op.get_bind()) as session:`, `with
			// session.begin():`: the calls inside run on the migration's
			// connection, in its transaction, as without the block.
			if it.as != "" {
				t.env[it.as] = x
			}
		default:
			t.note(migration.NoteUnrecognised, s.start, s.headerEnd, "schemagate does not know the context manager `%s`: the calls inside are translated as if it were not there", t.source(it.x))
		}
	}
	if len(s.blocks) > 0 {
		t.block(s.blocks[0])
	}
	for i := len(exits) - 1; i >= 0; i-- {
		exits[i]()
	}
}

// isIndex reports whether x builds a SQLAlchemy Index.
func (t *translator) isIndex(x *expr) bool {
	if x.kind != exprCall {
		return false
	}
	lib, name := t.libName(x.x)
	return lib == "sqlalchemy" && name == "Index"
}

// indexCreate renders sa.Index(name, table.c.a, ...).create(bind) on a
// table the file names (sa.Table / sa.table); false when a column is
// not of that form.
func (t *translator) indexCreate(x, call *expr) ([]pendingStmt, bool) {
	a := t.bindArgs(x, []string{"name", "*expressions"})
	var table *expr
	var cols []*expr
	for _, c := range a.rest {
		r := t.resolve(c)
		if r.kind != exprAttr || r.x.kind != exprAttr || (r.x.name != "c" && r.x.name != "columns") {
			return nil, false
		}
		if table == nil {
			table = r.x.x
		}
		cols = append(cols, nameAt(r.name, r))
	}
	if table == nil {
		return nil, false
	}
	schema, name, ok := t.tableRef(table)
	if !ok {
		return nil, false
	}
	s, ok := t.indexSQL(a, schema, name, cols)
	if !ok {
		return nil, false
	}
	return []pendingStmt{{sql: s, span: t.file.Span(call.start, call.end)}}, true
}

// nameAt is a string literal of a name the code spells as e (a
// column's attribute in table.c.name).
func nameAt(name string, e *expr) *expr {
	offs := make([]int, len(name)+1)
	for i := range offs {
		offs[i] = e.start
	}
	return &expr{kind: exprString, start: e.start, end: e.end, str: []strPart{{text: name, offs: offs}}}
}

// migrateAlter renders sqlalchemy-migrate's table.c.col.alter(...) (old
// OpenStack revisions; their SQLAlchemy 2.0 ports write
// op.alter_column) as alter_column; false when the table is not one the
// file names.
func (t *translator) migrateAlter(col, call *expr) ([]pendingStmt, bool) {
	if col.kind != exprAttr || col.x.kind != exprAttr || (col.x.name != "c" && col.x.name != "columns") {
		return nil, false
	}
	schema, table, ok := t.tableRef(col.x.x)
	if !ok || len(call.args) > 0 {
		return nil, false
	}
	a := &args{call: call, named: []namedArg{{"table_name", nameAt(table, col.x.x)}, {"column_name", nameAt(col.name, col)}}}
	if schema != "" {
		a.set("schema", nameAt(schema, col.x.x))
	}
	for _, kw := range call.kw {
		switch kw.name {
		case "type":
			a.set("type_", kw.value)
		case "name":
			a.set("new_column_name", kw.value)
		default:
			a.set(kw.name, kw.value)
		}
	}
	return t.alterColumn(a), true
}

// isSessionScope reports whether a context manager is an ORM session or
// a transaction of the migration's connection or of a session.
func (t *translator) isSessionScope(x *expr) bool {
	if x.kind != exprCall {
		return false
	}
	if _, name := t.libName(x.x); name == "Session" || name == "sessionmaker" || name == "scoped_session" {
		return true
	}
	if x.x.kind == exprAttr && (x.x.name == "begin" || x.x.name == "begin_nested") {
		return t.isConnection(x.x.x) || t.isDataAccess(x)
	}
	return false
}

func (t *translator) forLoop(s *stmt) {
	var body []*stmt
	if len(s.blocks) > 0 {
		body = s.blocks[0]
	}
	tg := target{}
	if len(s.targets) > 0 {
		tg = s.targets[0]
	}
	if items, ok := t.items(s.x); ok {
		// A loop over a literal list runs once per element.
		for _, it := range items {
			t.bind(tg, it)
			t.block(body)
			if t.returned {
				return
			}
		}
		t.block(s.orelse)
		return
	}
	t.note(migration.NoteUnrecognised, s.start, s.headerEnd, "a loop over values known only when the migration runs: the calls inside are translated once, with the loop variables unknown")
	for _, n := range tg.names {
		t.env[n] = unknown(n)
	}
	t.block(body)
	t.block(s.orelse)
}

// ifStmt runs the branch the conditions decide. Past a condition it
// cannot decide, every branch that may run is translated (up to one
// whose condition is true), each recorded as undecided.
func (t *translator) ifStmt(s *stmt) {
	var run [][]*stmt
	undecided, reached := false, true
	for i, c := range s.conds {
		v, known := t.truth(c)
		if !known && t.asksExistence(c) {
			// `if not inspector.has_table(...)`: what runs under it
			// can run again, as with IF NOT EXISTS.
			t.guards++
			defer func() { t.guards-- }()
		}
		if !known && !undecided {
			undecided = true
			if !t.isCheckFirst(s) {
				t.note(migration.NoteUnrecognised, s.start, s.headerEnd, "a condition schemagate cannot evaluate: every branch that may run is translated, and what is found there is at most a warning")
			}
		}
		if !known || v {
			run = append(run, s.blocks[i])
		}
		if known && v {
			reached = false
			break
		}
	}
	if reached {
		run = append(run, s.orelse)
	}
	returned := false
	for _, b := range run {
		if undecided {
			t.undecidedBlock(b)
		}
		t.block(b)
		if undecided && t.returned {
			// A branch that may not run returns: the others, and what
			// follows the if statement, may run too.
			returned, t.returned = true, false
		}
	}
	t.restUndecided = returned
}

// isCheckFirst reports `if not table.exists(...): table.create(...)`
// (and `if table.exists(...): table.drop(...)`), with no other branch:
// what table.create(bind, checkfirst=True) does. Its branch is still
// undecided; the note would only set the guard apart from the
// checkfirst=True spelling, which the create's own note already covers.
func (t *translator) isCheckFirst(s *stmt) bool {
	if len(s.conds) != 1 || len(s.orelse) > 0 {
		return false
	}
	c, action := s.conds[0], "drop"
	if c.kind == exprNot {
		c, action = c.x, "create"
	}
	if c == nil || c.kind != exprCall || c.x.kind != exprAttr || c.x.name != "exists" {
		return false
	}
	obj := t.source(c.x.x)
	var calls func(b []*stmt) bool
	calls = func(b []*stmt) bool {
		for _, st := range b {
			if x := st.x; st.kind == stmtExpr && x.kind == exprCall && x.x.kind == exprAttr && x.x.name == action && t.source(x.x.x) == obj {
				return true
			}
			for _, nested := range st.blocks {
				if calls(nested) {
					return true
				}
			}
		}
		return false
	}
	return calls(s.blocks[0])
}

// truth evaluates the conditions migrations branch on: the dialect's
// name, constants.
func (t *translator) truth(c *expr) (bool, bool) {
	if c == nil {
		return false, false
	}
	if t.isConnection(c) {
		return true, true // op.get_bind(): a connection, never None
	}
	c = t.resolve(c)
	switch c.kind {
	case exprAttr:
		// six.PY2 / six.PY3: alembic runs on Python 3.
		if c.x.kind == exprName && c.x.name == "six" && (c.name == "PY2" || c.name == "PY3") {
			if _, bound := t.env["six"]; !bound {
				return c.name == "PY3", true
			}
		}
	case exprBool:
		return c.text == "True", true
	case exprNone:
		return false, true
	case exprNot:
		v, ok := t.truth(c.x)
		return !v, ok
	case exprBoolOp:
		return t.boolOp(c)
	case exprCall:
		return t.dialectCall(c)
	case exprCompare:
		l, r := c.x, c.y
		if !t.isDialectName(l) {
			l, r = r, l
		}
		if !t.isDialectName(l) {
			return false, false
		}
		switch c.name {
		case "==", "!=":
			s, ok := t.literal(r)
			if !ok {
				return false, false
			}
			return (s == "postgresql") == (c.name == "=="), true
		case "in", "not in":
			items, ok := t.items(r)
			if !ok {
				return false, false
			}
			found := false
			for _, it := range items {
				if s, ok := t.literal(it); ok && s == "postgresql" {
					found = true
				}
			}
			return found == (c.name == "in"), true
		}
	}
	return false, false
}

// isDialectName matches op.get_bind().dialect.name and its spellings.
func (t *translator) isDialectName(e *expr) bool {
	e = t.resolve(e)
	if e == nil || e.kind != exprAttr || e.name != "name" {
		return false
	}
	d := t.resolve(e.x)
	if d.kind != exprAttr || (d.name != "dialect" && d.name != "engine") {
		return false
	}
	return t.isConnection(d.x) || t.alembicCall(d.x) == "get_context" || t.isOpModule(d.x) || t.isEngineOrInspector(d.x)
}

// sortedFuncs lists the module's functions named prefix*, in source
// order (the multidb template's engine order).
func sortedFuncs(m *module, prefix string) []string {
	var names []string
	for n := range m.funcs {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	slices.SortFunc(names, func(a, b string) int { return m.funcs[a].start - m.funcs[b].start })
	return names
}

// reExistence finds the calls migrations ask the database with before
// they change it: SQLAlchemy's inspector (has_table, get_columns, ...)
// and helpers named like them (index_exists, exists_in_db,
// schema_has_column).
var reExistence = regexp.MustCompile(`\b(has_[a-z_]+|[a-z_]*exists?[a-z_]*|get_(table_names|view_names|sequence_names|columns|indexes|unique_constraints|foreign_keys|check_constraints|pk_constraint))\s*\(`)

// asksExistence reports whether a condition asks whether an object
// exists.
func (t *translator) asksExistence(c *expr) bool {
	if c == nil || c.start < 0 || c.end > len(t.src) || c.start >= c.end {
		return false
	}
	return reExistence.Match(t.src[c.start:c.end])
}
