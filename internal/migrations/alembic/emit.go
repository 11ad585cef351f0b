package alembic

import (
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// pendingStmt is one statement Alembic would emit for a call: its SQL,
// the span of the call, and the spans of the column definitions it has,
// in order.
type pendingStmt struct {
	sql  string
	span source.Span
	cols []source.Span
	// standIn marks SQL that gives the call's operations but is not what
	// alembic sends (a data change whose values are not rendered): it is
	// left out of Translation.SQL.
	standIn bool
}

// run emits statements in order.
func (t *translator) run(ps ...pendingStmt) {
	for _, p := range ps {
		t.emit(p)
	}
}

// queued is a statement waiting for the parse of the whole queue, with
// what the walk knew when the call emitted it.
type queued struct {
	p       pendingStmt
	guards  int
	auto    bool
	segment int
}

// emit queues the SQL of one statement: the queue is parsed by flush, a
// few statements to a parser call, before anything that depends on the
// operations so far (a note, SQL from the file, the end of upgrade()) or
// when it is full. A migration of thousands of calls then does not pay a
// cgo call for each.
func (t *translator) emit(p pendingStmt) {
	if t.queue == nil {
		t.queue = make([]queued, 0, queueMax)
	}
	t.queue = append(t.queue, queued{p: p, guards: t.guards, auto: t.autoDepth > 0, segment: t.segment})
	if len(t.queue) == queueMax {
		t.flush()
	}
}

// queueMax is how many statements wait for one flush: enough for
// ParseMany's batches, and a long revision does not hold them all.
const queueMax = 64

// flush parses the queued statements (sqlparse.ParseMany, a few to a
// parser call) and turns each into operations.
func (t *translator) flush() {
	guards, segment, autoDepth := t.guards, t.segment, t.autoDepth
	sqlparse.ParseQueued(&t.queue, "alembic.sql", func(e queued) string { return e.p.sql }, func(e queued, _ *source.File, res sqlparse.Result) {
		t.guards, t.segment = e.guards, e.segment
		t.autoDepth = 0
		if e.auto {
			t.autoDepth = 1
		}
		t.emitParsed(e.p, res)
	})
	t.guards, t.segment, t.autoDepth = guards, segment, autoDepth
}

// emitParsed turns the parse of one statement's SQL into operations,
// exactly as a SQL migration's statement becomes operations, and moves
// them to the call.
func (t *translator) emitParsed(p pendingStmt, res sqlparse.Result) {
	if len(res.Errors) > 0 || len(res.Statements) == 0 {
		msg := "no statement"
		if len(res.Errors) > 0 {
			msg = res.Errors[0].Message
		}
		t.notes = append(t.notes, migration.Note{Kind: migration.NoteUnrecognised, Span: p.span,
			Message: "schemagate could not translate this call into SQL (" + msg + "): it is not checked"})
		return
	}
	t.apply(p, res)
}

// apply turns one statement's parse into operations at the call.
func (t *translator) apply(p pendingStmt, res sqlparse.Result) {
	t.opsBuf = ops.AppendStatements(t.opsBuf[:0], res.Statements, ops.Options{PGVersion: t.ver})
	out := t.opsBuf
	if !p.standIn {
		t.sent.Add(res, nil, t.stmt, func(source.Span) source.Span { return p.span }, t.autoDepth > 0)
	}
	for i := range out {
		op := &out[i]
		op.Span = p.span
		op.Stmt += t.stmt
		if op.ColumnDef != nil && len(p.cols) > 0 {
			op.ColumnDef.Span = p.cols[0]
			t.fixDefault(op.ColumnDef.Default)
		}
		for j := range op.Columns {
			if j < len(p.cols) {
				op.Columns[j].Span = p.cols[j]
			}
			t.fixDefault(op.Columns[j].Default)
		}
		t.fixDefault(op.Default)
	}
	t.stmt += len(res.Statements)
	t.add(out)
}

func (t *translator) add(out []ops.Op) {
	for i := range out {
		out[i].Guarded = t.guards > 0
		t.auto = append(t.auto, t.autoDepth > 0)
		t.seg = append(t.seg, t.segment)
	}
	t.out.Add(out...)
}

// fixDefault shows a default schemagate could not render by its Python
// text (it stands in the SQL as a call to a placeholder function, so it
// counts as volatile, or as a string literal when Python computes it).
func (t *translator) fixDefault(e *ops.Expr) {
	if e == nil || len(t.unknownDefaults) == 0 || e.Node.GetFuncCall() == nil && e.Node.GetAConst() == nil {
		return
	}
	if py, ok := t.unknownDefaults[e.SQL()]; ok {
		e.Text = py
	}
}

// execute translates op.execute(x) / conn.execute(x): SQL text (a string,
// sa.text(), sa.DDL()) goes through the SQL parser with its spans in the
// file; SQLAlchemy statement constructs are rendered.
func (t *translator) execute(call, arg *expr) {
	a := t.resolve(arg)
	values := map[string]string{}
	for i := 0; i < 8 && a.kind == exprCall; i++ {
		fn := a.x
		if fn.kind == exprAttr && (fn.name == "bindparams" || fn.name == "execution_options" || fn.name == "columns") {
			// sa.text("...").bindparams(...): the SQL is the text, with
			// the values the driver puts in for the parameters.
			if fn.name == "bindparams" {
				for _, kw := range a.kw {
					if v, ok := t.sqlLiteral(kw.value); ok {
						values[kw.name] = v
					}
				}
			}
			a = t.resolve(fn.x)
			continue
		}
		_, name := t.libName(fn)
		switch name {
		case "text", "DDL", "literal_column":
			if len(a.args) == 0 {
				t.noteAt(call, call, "%s() without SQL", name)
				return
			}
			a = t.resolve(a.args[0])
			continue
		}
		break
	}
	if a.kind == exprString {
		text, offs, ok := t.strValue(a)
		if !ok {
			t.noteAt(a, call, "SQL built when the migration runs (an f-string with values schemagate cannot read): it is not checked")
			return
		}
		t.sql(bindParams(text, offs, values))
		return
	}
	if ps, ok := t.construct(call, a); ok {
		t.run(ps...)
		return
	}
	t.noteAt(arg, call, "schemagate cannot read the SQL `%s`: it is not checked", t.source(arg))
}

// sql parses SQL taken from the file and emits its operations. When the
// SQL is a verbatim range of the file it is parsed in place; otherwise
// (escapes, concatenation, interpolated names) it is parsed on its own and
// its spans are mapped back through offs.
func (t *translator) sql(text string, offs []int) {
	t.flush()
	if len(offs) != len(text)+1 {
		return
	}
	// The last statement's span ends at the end of the text: leave out
	// the indentation before the closing quotes of a triple-quoted SQL.
	trimmed := strings.TrimRight(text, " \t\r\n")
	if trimmed == "" {
		return
	}
	offs = offs[:len(trimmed)+1]
	if len(trimmed) < len(text) {
		// Appended to a copy: offs may be a literal's own.
		offs = append(offs[:len(trimmed):len(trimmed)], offs[len(trimmed)-1]+1)
	}
	text = trimmed
	start := offs[0]
	verbatim := start >= 0 && start+len(text) <= len(t.src) && string(t.src[start:start+len(text)]) == text
	for i := 0; verbatim && i <= len(text); i++ {
		verbatim = offs[i] == start+i
	}
	var res sqlparse.Result
	var out []ops.Op
	mapSpan := func(s source.Span) source.Span { return s }
	parsed := t.file
	if verbatim {
		res = sqlparse.ParseRegion(t.file, start, start+len(text))
		out = ops.FromStatements(res.Statements, ops.Options{PGVersion: t.ver, File: t.file})
	} else {
		f := source.NewFile(t.file.Path, []byte(text))
		parsed = f
		res = sqlparse.Parse(f)
		out = ops.FromStatements(res.Statements, ops.Options{PGVersion: t.ver, File: f})
		at := func(i int) int {
			if i < 0 {
				i = 0
			}
			if i >= len(offs) {
				i = len(offs) - 1
			}
			return offs[i]
		}
		mapSpan = func(s source.Span) source.Span {
			if s.Empty() && s.Start.Offset == 0 && s.End.Offset == 0 {
				return s
			}
			return t.file.Span(at(s.Start.Offset), at(s.End.Offset))
		}
	}
	for _, e := range res.Errors {
		sp := mapSpan(source.Span{Start: e.Pos, End: e.Span.End})
		t.notes = append(t.notes, migration.Note{Kind: migration.SQLNoteKind(e), Span: sp, Message: e.Message})
	}
	t.sent.Add(res, parsed, t.stmt, mapSpan, t.autoDepth > 0)
	for i := range out {
		op := &out[i]
		op.Span = mapSpan(op.Span)
		op.Stmt += t.stmt
		if op.ColumnDef != nil {
			op.ColumnDef.Span = mapSpan(op.ColumnDef.Span)
		}
		for j := range op.Columns {
			op.Columns[j].Span = mapSpan(op.Columns[j].Span)
		}
	}
	t.stmt += len(res.Statements)
	t.add(out)
}

// rawSQL checks SQL text given to SQLAlchemy (sa.text() in a default, a
// CHECK condition, an index expression) by parsing it in the context
// `wrap` gives it ("SELECT %s"); a syntax error is reported at the text
// in the file. It returns the text and whether it parsed.
func (t *translator) rawSQL(e *expr, wrap string) (string, bool) {
	text, offs, ok := t.strValue(e)
	if !ok {
		t.noteAt(e, e, "SQL built when the migration runs: it is not checked")
		return "", false
	}
	prefix, _, _ := strings.Cut(wrap, "%s")
	full := strings.Replace(wrap, "%s", text, 1)
	if _, err := sqlparse.ParseTree(full); err != nil {
		r := sqlparse.Parse(source.NewFile("", []byte(full)))
		at := offs[0]
		msg := err.Error()
		if len(r.Errors) > 0 {
			msg = r.Errors[0].Message
			i := r.Errors[0].Pos.Offset - len(prefix)
			if i >= 0 && i < len(offs) {
				at = offs[i]
			}
		}
		end := offs[len(offs)-1]
		if end < at {
			end = at
		}
		t.flush()
		t.notes = append(t.notes, migration.Note{Kind: migration.NoteSyntaxError, Span: t.file.Span(at, end), Message: msg})
		return text, false
	}
	return text, true
}

// bindParams rewrites SQLAlchemy's text() bind parameters (":name", not
// after a word character, a colon or a backslash, not before a colon) as
// the SQL literal of their bound value when values has it (psycopg puts
// values into the text it sends), else as PostgreSQL parameters ($1), and
// "\\:" as ":", as text() does: alembic runs op.execute("...") strings
// through text() too.
func bindParams(text string, offs []int, values map[string]string) (string, []int) {
	if !strings.Contains(text, ":") {
		return text, offs
	}
	var b strings.Builder
	var out []int
	n := 0
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\\' && i+1 < len(text) && text[i+1] == ':' {
			b.WriteByte(':')
			out = append(out, offs[i+1])
			i++
			continue
		}
		if c == ':' && (i == 0 || !isWord(text[i-1]) && text[i-1] != ':' && text[i-1] != '\\') {
			j := i + 1
			for j < len(text) && isWord(text[j]) {
				j++
			}
			if j > i+1 && (j == len(text) || text[j] != ':') {
				p, known := values[text[i+1:j]]
				if !known {
					n++
					p = "$" + strconv.Itoa(n)
				}
				b.WriteString(p)
				for range p {
					out = append(out, offs[i])
				}
				i = j - 1
				continue
			}
		}
		b.WriteByte(c)
		out = append(out, offs[i])
	}
	return b.String(), append(out, offs[len(text)])
}

// sqlLiteral is a Python literal as psycopg writes it into SQL.
func (t *translator) sqlLiteral(e *expr) (string, bool) {
	r := t.resolve(e)
	if r == nil {
		return "", false
	}
	switch r.kind {
	case exprNone:
		return "NULL", true
	case exprBool:
		return strings.ToLower(r.text), true
	case exprNumber:
		return strings.ReplaceAll(r.text, "_", ""), true
	case exprString:
		s, _, ok := t.strValue(r)
		if !ok {
			return "", false
		}
		// standard_conforming_strings is on: only quotes are doubled.
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", true
	}
	return "", false
}
