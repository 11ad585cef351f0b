// Package emit turns what a migration written in code sends to
// PostgreSQL into the operations a SQL migration gives, with every span
// in the host file (the .go, .ts or .js migration): SQL read from the
// string literals its calls execute, parsed where it is written, and the
// SQL a library's builder call sends (written by the reader), at the
// call. Both go through pg_query and ops.FromStatements, the path of
// every SQL migration, so one lock and rewrite model serves them all.
// What cannot be read becomes a note at its call.
package emit

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Recorder collects what one migration sends, in order.
type Recorder struct {
	file  *source.File
	pg    int
	ops   []ops.Op
	sent  migration.SentSQL
	notes []migration.Note
	stmt  int // statements so far

	read       [][2]int // file ranges of literals that gave statements
	candidates []source.Span
	raised     int // error and warning notes
}

// New returns a Recorder for a migration in file f.
func New(f *source.File, pgVersion int) *Recorder {
	if pgVersion == 0 {
		pgVersion = ops.DefaultPGVersion
	}
	return &Recorder{file: f, pg: pgVersion}
}

// File is the host file.
func (r *Recorder) File() *source.File { return r.file }

// Where says where SQL is sent from.
type Where struct {
	// Call is the span of the call that sends it.
	Call source.Span
	// Conditional is true inside a branch that cannot be decided before
	// the migration runs: a syntax error there is a warning (the branch
	// may be for another database), not an error.
	Conditional bool
}

// Literal records SQL read from string literals: lit maps every byte of
// its text to the file. Run-time parts are placeholders (lit.Holes); a
// statement that does not parse because of them is a hint at the call,
// not a syntax error. It reports whether any statement was read.
func (r *Recorder) Literal(lit lang.Literal, w Where) bool {
	if strings.TrimSpace(lit.Text) == "" {
		return false
	}
	f := source.NewFile(r.file.Path, []byte(lit.Text))
	res := sqlparse.Parse(f)
	// A statement is shown where its text is when that is inside the
	// call; SQL assembled from elsewhere (a constant, a variable) is
	// shown at the call that runs it.
	inCall := func(s, e int) bool { return s >= w.Call.Start.Offset && e <= w.Call.End.Offset }
	mapSpan := func(sp source.Span) source.Span {
		s, e := lit.FileOffset(sp.Start.Offset), lit.FileOffset(sp.End.Offset)
		e = max(e, s)
		if !inCall(s, e) {
			return w.Call
		}
		return r.file.Span(s, e)
	}
	for _, e := range res.Errors {
		at := lit.FileOffset(e.Pos.Offset)
		sp := mapSpan(e.Span)
		if inCall(at, at) {
			sp.Start = r.file.Pos(at)
			if sp.End.Offset < at {
				sp.End = sp.Start
			}
		} else {
			sp = r.file.Span(at, at) // in a constant declared elsewhere
		}
		switch {
		case lit.Holes > 0:
			r.Unreadable(w.Call, "SQL built when the migration runs (%s): schemagate cannot read it, so it is not checked", e.Message)
		case w.Conditional:
			r.Note(migration.NoteUnchecked, sp, "SQL syntax error in a branch decided when the migration runs (%s): not checked", e.Message)
		default:
			r.Note(migration.NoteSyntaxError, sp, "SQL syntax error: %s", e.Message)
		}
	}
	if len(res.Statements) == 0 {
		return false
	}
	start, end := len(r.file.Text), 0
	for _, p := range lit.Map {
		start = min(start, p.File)
		end = max(end, p.File+max(p.Len, 1))
	}
	r.read = append(r.read, [2]int{start, end})
	list := ops.FromStatements(res.Statements, ops.Options{PGVersion: r.pg, File: f})
	for i := range list {
		op := &list[i]
		op.Span = mapSpan(op.Span)
		if op.ColumnDef != nil {
			op.ColumnDef.Span = mapSpan(op.ColumnDef.Span)
		}
		for j := range op.Columns {
			op.Columns[j].Span = mapSpan(op.Columns[j].Span)
		}
	}
	// Statements with placeholders give their operations, but their text
	// is not what is sent: verify must not run it.
	if lit.Holes == 0 {
		r.sent.Add(res, f, r.stmt, mapSpan, false)
	}
	r.add(list, len(res.Statements))
	return true
}

// Written records the SQL a builder call sends (written by the reader,
// as the library writes it for PostgreSQL); its operations span the
// call.
func (r *Recorder) Written(sql string, w Where) {
	f := source.NewFile(r.file.Path, []byte(sql))
	res := sqlparse.Parse(f)
	if len(res.Errors) > 0 || len(res.Statements) == 0 {
		msg := "no statement"
		if len(res.Errors) > 0 {
			msg = res.Errors[0].Message
		}
		r.Unreadable(w.Call, "schemagate could not turn this call into SQL (%s): it is not checked", msg)
		return
	}
	list := ops.FromStatements(res.Statements, ops.Options{PGVersion: r.pg, File: f})
	for i := range list {
		op := &list[i]
		op.Span = w.Call
		if op.ColumnDef != nil {
			op.ColumnDef.Span = w.Call
		}
		for j := range op.Columns {
			op.Columns[j].Span = w.Call
		}
	}
	r.sent.Add(res, nil, r.stmt, func(source.Span) source.Span { return w.Call }, false)
	r.add(list, len(res.Statements))
}

func (r *Recorder) add(list []ops.Op, stmts int) {
	for i := range list {
		list[i].Stmt += r.stmt
	}
	r.stmt += stmts
	r.ops = append(r.ops, list...)
}

// Unreadable is a hint at code that cannot be read: it is not checked.
func (r *Recorder) Unreadable(sp source.Span, format string, args ...any) {
	r.Note(migration.NoteUnrecognised, sp, format, args...)
}

// Note adds a note.
func (r *Recorder) Note(kind migration.NoteKind, sp source.Span, format string, args ...any) {
	if kind == migration.NoteSyntaxError || kind == migration.NoteUnchecked {
		r.raised++
	}
	r.notes = append(r.notes, migration.Note{Kind: kind, Span: sp, Message: fmt.Sprintf(format, args...)})
}

// Candidate records a string of the migration's up code that looks like
// DDL (see LooksLikeDDL), wherever it is used: if none of them is read,
// the migration is not checked at all, which is a warning.
func (r *Recorder) Candidate(sp source.Span) {
	r.candidates = append(r.candidates, sp)
}

// Empty reports whether nothing was recorded: no statement, no note.
func (r *Recorder) Empty() bool { return len(r.ops) == 0 && len(r.notes) == 0 }

// Translation finishes the migration: its operations with their
// transaction state (the tool's own transaction when m.Transactional,
// and BEGIN/COMMIT the migration sends), the statements it sends, and the
// notes.
func (r *Recorder) Translation(m *migration.Migration) migration.Translation {
	r.uncheckedWarning()
	ops.Annotate(r.ops, m.Transactional)
	return migration.Translation{Migration: m, Ops: r.ops, Notes: r.notes, SQL: r.sent.Statements(r.ops, m.Transactional)}
}

// uncheckedWarning warns when the migration holds DDL strings and none
// of them was read: each failure is only a hint at its call, or nothing
// at all for a string handed to code schemagate does not follow. A
// migration already carrying a warning or an error needs no more.
func (r *Recorder) uncheckedWarning() {
	if len(r.candidates) == 0 || r.raised > 0 {
		return
	}
	for _, c := range r.candidates {
		for _, rg := range r.read {
			if c.Start.Offset < rg[1] && c.End.Offset > rg[0] {
				return
			}
		}
	}
	what := "the SQL string"
	if n := len(r.candidates); n > 1 {
		what = fmt.Sprintf("any of the %d SQL strings", n)
	}
	rest := "nothing in it is checked"
	if len(r.ops) > 0 {
		rest = "only its other calls are checked"
	}
	r.Note(migration.NoteUnchecked, r.candidates[0], "this migration changes the schema, but schemagate could not read %s it runs: %s", what, rest)
}

// ddlWords start statements that change the schema.
var ddlWords = []string{"create", "alter", "drop", "truncate", "comment", "rename", "reindex", "vacuum", "cluster", "grant", "revoke"}

// IsDDLWord reports whether w (any case) starts a schema statement.
func IsDDLWord(w string) bool { return refs.ContainsFold(ddlWords, w) }

// LooksLikeDDL reports whether text starts (after whitespace and SQL
// comments) with a schema statement keyword and a second word.
func LooksLikeDDL(text string) bool {
	s := strings.TrimLeft(text, " \t\r\n(")
	for strings.HasPrefix(s, "--") || strings.HasPrefix(s, "/*") {
		if strings.HasPrefix(s, "--") {
			nl := strings.IndexByte(s, '\n')
			if nl < 0 {
				return false
			}
			s = s[nl+1:]
		} else {
			end := strings.Index(s, "*/")
			if end < 0 {
				return false
			}
			s = s[end+2:]
		}
		s = strings.TrimLeft(s, " \t\r\n(")
	}
	fields := strings.Fields(s)
	return len(fields) >= 2 && IsDDLWord(fields[0])
}

// Parallel calls f(0), ..., f(n-1) on up to GOMAXPROCS goroutines:
// migrations in code are translated file by file, independently.
func Parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Safely runs translate, turning a panic (a reader bug on one file) into
// a note on that migration so the other files are still checked.
func Safely(m *migration.Migration, translate func() migration.Translation) (tr migration.Translation) {
	defer func() {
		if p := recover(); p != nil {
			sp := source.Span{}
			if m.File != nil {
				sp = m.File.Span(0, 0)
			}
			tr = migration.Translation{Migration: m, Notes: []migration.Note{{
				Kind: migration.NoteUnrecognised, Span: sp,
				Message: fmt.Sprintf("internal error while reading this migration (please report it): %v", p),
			}}}
		}
	}()
	if m.File == nil {
		return migration.Translation{Migration: m, Notes: []migration.Note{{Kind: migration.NoteUnrecognised, Message: m.Path + ": not read"}}}
	}
	return translate()
}
