package rails

import (
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// A migration call becomes the SQL the PostgreSQL adapter sends for it;
// that SQL goes through the parser and internal/ops like a SQL
// migration's, so the locks and rewrites come from one model. The
// operations point at the call (columns at their names), and the replay
// (a catalog) applies them before the next call asks about the schema.

// stmt is one statement ActiveRecord sends, as the translator writes it.
type stmt struct {
	text string
	span source.Span // the call that sends it
	// parts are the ALTER TABLE subcommands, in order, when several calls
	// wrote one statement (change_table bulk: true, add_timestamps,
	// change_column): where each starts in text and the call it is from.
	parts []part
	// cols are the column definitions: where each starts in text and
	// the span of the column's name in the file.
	cols []part
	// ruby is the Ruby text of each default computed when the migration
	// runs, by column: the SQL holds its value's stand-in, a typed NULL.
	ruby map[string]string
	// what names the SQL in the note when it does not parse.
	what string
}

// rubyDefault records the Ruby text of a computed default of column.
func (s *stmt) rubyDefault(column, ruby string) {
	if ruby == "" {
		return
	}
	if s.ruby == nil {
		s.ruby = map[string]string{}
	}
	s.ruby[column] = ruby
}

// part is where a piece of a statement comes from.
type part struct {
	start int
	span  source.Span
}

// fragment is one ALTER TABLE subcommand a call writes.
type fragment struct {
	text string
	span source.Span
	// For ADD, colAt > 0: the column definition starts at colAt in
	// text and names the column at col.
	col   source.Span
	colAt int
	// column and ruby: a default computed in Ruby, as in stmt.ruby.
	column, ruby string
}

// alterStmt is an ALTER TABLE being written.
type alterStmt struct {
	table string // quoted
	frags []fragment
}

// stmt joins the fragments into one statement. The text, the parts and
// the columns are allocated once each: a migration of thousands of
// add_column writes one of these for each.
func (a *alterStmt) stmt() stmt {
	const head, comma = "ALTER TABLE ", ", "
	size, cols := len(head)+len(a.table)+1, 0
	for _, f := range a.frags {
		size += len(comma) + len(f.text)
		if f.colAt > 0 {
			cols++
		}
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(head)
	b.WriteString(a.table)
	b.WriteByte(' ')
	ps := make([]part, 0, len(a.frags)+cols)
	s := stmt{span: a.frags[0].span, parts: ps[:0:len(a.frags)], cols: ps[len(a.frags):len(a.frags)]}
	for i, f := range a.frags {
		if i > 0 {
			b.WriteString(comma)
		}
		s.parts = append(s.parts, part{b.Len(), f.span})
		if f.colAt > 0 {
			s.cols = append(s.cols, part{b.Len() + f.colAt, f.col})
		}
		s.rubyDefault(f.column, f.ruby)
		b.WriteString(f.text)
	}
	s.text = b.String()
	return s
}

// bulk collects the fragments of one ALTER TABLE (change_table bulk:
// true, add_timestamps, change_column); statements that cannot join it
// run after it.
type bulk struct {
	alter    *alterStmt
	deferred []func()
}

// alter sends a fragment of ALTER TABLE table: it joins the statement
// being collected, or is one of its own.
func (t *tr) alter(table string, f fragment) {
	if t.bulk == nil {
		t.send((&alterStmt{table: table, frags: []fragment{f}}).stmt())
		return
	}
	if a := t.bulk.alter; a != nil && a.table != table {
		t.bulk.alter = nil
		t.send(a.stmt())
	}
	if t.bulk.alter == nil {
		t.bulk.alter = &alterStmt{table: table}
	}
	t.bulk.alter.frags = append(t.bulk.alter.frags, f)
}

// later runs f after the current ALTER TABLE (column comments).
func (t *tr) later(f func()) {
	if t.bulk == nil {
		f()
		return
	}
	t.bulk.deferred = append(t.bulk.deferred, f)
}

// flushBulk sends the ALTER TABLE being collected and runs what waited
// for it.
func (t *tr) flushBulk() {
	if t.bulk == nil {
		return
	}
	b := t.bulk
	a, d := b.alter, b.deferred
	b.alter, b.deferred = nil, nil
	t.bulk = nil
	if a != nil {
		t.send(a.stmt())
	}
	for _, f := range d {
		f()
	}
	t.bulk = b
}

// inOneAlter runs f with its fragments joined into one ALTER TABLE,
// unless one is being collected already.
func (t *tr) inOneAlter(f func()) {
	if t.bulk != nil {
		f()
		return
	}
	t.bulk = &bulk{}
	f()
	t.flushBulk()
	t.bulk = nil
}

// sendSQL sends one statement written whole for the call at sp.
func (t *tr) sendSQL(sql string, sp source.Span) {
	t.send(stmt{text: sql, span: sp})
}

// send queues a statement ActiveRecord sends; flushSent parses the
// queue a few statements to a parser call, so that a migration of
// thousands of calls does not pay a cgo call for each. Whatever reads
// what the statements did (the replayed catalog, the statement count)
// flushes first.
func (t *tr) send(s stmt) {
	if t.queue == nil {
		t.queue = make([]queuedStmt, 0, queueMax)
	}
	t.queue = append(t.queue, queuedStmt{s: s, guards: t.guards, noteAt: len(t.note)})
	if len(t.queue) == queueMax {
		t.flushSent()
	}
}

// queueMax is how many statements wait for one flush: enough for
// ParseMany's batches, and a long migration does not hold them all.
const queueMax = 64

// queuedStmt is a statement waiting for flushSent, with what the walk
// knew when the call sent it.
type queuedStmt struct {
	s      stmt
	guards int
	noteAt int // where its notes go in t.note
}

// flushSent parses the queued statements (sqlparse.ParseMany, a few
// to a parser call) and adds each one's operations as if it had been
// parsed alone when it was sent.
func (t *tr) flushSent() {
	guards, moved := t.guards, 0
	sqlparse.ParseQueued(&t.queue, t.f.Path, func(e queuedStmt) string { return e.s.text }, func(e queuedStmt, f *source.File, res sqlparse.Result) {
		t.guards = e.guards
		notes := len(t.note)
		t.sendParsed(e.s, f, res)
		// A note about the statement goes where the call was, before the
		// notes of the calls after it.
		if added := len(t.note) - notes; added > 0 {
			mine := slices.Clone(t.note[notes:])
			t.note = slices.Insert(t.note[:notes], e.noteAt+moved, mine...)
			moved += added
		}
	})
	t.guards = guards
}

// sendParsed records a statement's parse for Translation.SQL and adds its
// operations at the call.
func (t *tr) sendParsed(s stmt, f *source.File, res sqlparse.Result) {
	whole := s.span
	for _, p := range s.parts {
		whole = union(t.f, whole, p.span)
	}
	if !t.schemaFile {
		t.sent.Add(res, f, t.stmt, func(source.Span) source.Span { return whole }, false)
	}
	if len(res.Errors) > 0 {
		what := s.what
		if what == "" {
			what = "the SQL this call sends"
		}
		t.syntaxNote(s.span, what+" is not valid SQL: "+res.Errors[0].Message)
	}
	t.opsBuf = ops.AppendStatements(t.opsBuf[:0], res.Statements, ops.Options{PGVersion: t.pg, File: f})
	list := t.opsBuf
	cur := -1
	for i := range list {
		op := &list[i]
		op.Span = s.span
		if len(s.parts) > 0 {
			// An ALTER TABLE's operations come in the order of its
			// subcommands: ADD by where its column is, the constraints
			// written in a column definition with it, the others one each.
			switch {
			case op.Kind == ops.AddColumn && op.ColumnDef != nil:
				cur = partAt(s.parts, op.ColumnDef.Span.Start.Offset)
			case op.Kind == ops.AddConstraint && op.Detail == "inline":
			default:
				cur++
			}
			op.Span = s.parts[min(max(cur, 0), len(s.parts)-1)].span
		}
		if op.ColumnDef != nil {
			op.ColumnDef.Span = colSpan(s, op.ColumnDef.Span, op.Span)
			rubyDefault(op.ColumnDef.Default, s.ruby[op.ColumnDef.Name])
		}
		for j := range op.Columns {
			op.Columns[j].Span = colSpan(s, op.Columns[j].Span, op.Span)
			rubyDefault(op.Columns[j].Default, s.ruby[op.Columns[j].Name])
		}
		if op.Kind == ops.SetDefault {
			rubyDefault(op.Default, s.ruby[op.Column])
		}
	}
	t.add(list, len(res.Statements))
}

// sendNoOp records a statement ActiveRecord sends that changes nothing
// on the replayed schema (DROP TABLE IF EXISTS of a table that is not
// there): Translation.SQL keeps it, the operations do not.
func (t *tr) sendNoOp(sql string, sp source.Span) {
	t.flushSent()
	f := source.NewFile(t.f.Path, []byte(sql))
	res := sqlparse.Parse(f)
	t.sent.Add(res, f, t.stmt, func(source.Span) source.Span { return sp }, false)
	t.stmt += len(res.Statements)
}

// add appends operations parsed from statements sent in order, whose
// first is the next statement, and applies them to the replay.
func (t *tr) add(list []ops.Op, statements int) {
	for i := range list {
		list[i].Stmt += t.stmt
		list[i].Guarded = t.guards > 0
		t.cat.Apply(&list[i], t.f.Path)
	}
	t.ops.Add(list...)
	t.stmt += statements
}

// partAt is the index of the part holding offset off.
func partAt(ps []part, off int) int {
	i, _ := slices.BinarySearchFunc(ps, off, func(p part, off int) int {
		if p.start <= off {
			return -1
		}
		return 1
	})
	return max(i-1, 0)
}

// colSpan is where a column parsed at sp in a statement's text is named
// in the file; def when the statement does not say.
func colSpan(s stmt, sp, def source.Span) source.Span {
	if len(s.cols) == 0 || sp.Empty() && sp.Start.Offset == 0 {
		return def
	}
	return s.cols[partAt(s.cols, sp.Start.Offset)].span
}

// rubyDefault shows a default Ruby computes when the migration runs by
// its Ruby text rather than its SQL stand-in.
func rubyDefault(e *ops.Expr, ruby string) {
	if e != nil && ruby != "" {
		e.Text = ruby
	}
}

// union is the span from the first of a and b to the end of the last.
func union(f *source.File, a, b source.Span) source.Span {
	if f == nil {
		return a
	}
	return f.Span(min(a.Start.Offset, b.Start.Offset), max(a.End.Offset, b.End.Offset))
}
