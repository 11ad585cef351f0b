package rails

import (
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

func noteUnrecognised(sp source.Span, msg string) migration.Note {
	return migration.Note{Kind: migration.NoteUnrecognised, Span: sp, Message: msg}
}

// executeCall runs SQL given to execute (and the connection's other SQL
// methods) through PostgreSQL's parser, with positions mapped back into
// the string or heredoc.
func (t *tr) executeCall(c *rcall) {
	if m := t.sqlArg(c); m != nil {
		t.runSQL(m)
	}
}

// sqlArg reads the SQL a call's first argument holds, or says why it
// cannot and returns nil.
func (t *tr) sqlArg(c *rcall) *mtext {
	if len(c.pos) == 0 {
		t.recognised--
		t.hint(c.n, "`%s` without SQL: not checked", c.name)
		return nil
	}
	arg := c.argN[0]
	var m *mtext
	if arg != nil {
		m = t.sqlText(arg, c.e)
	}
	if m == nil {
		v := c.pos[0]
		if v.k != kString {
			t.recognised--
			t.hint(c.n, "SQL built at run time is not checked: %s", t.snippet(c.n))
			return nil
		}
		// A string assembled from known parts: map it all to the call.
		m = &mtext{}
		m.add([]byte(v.s), int(c.n.StartByte()), false)
	}
	return m
}

// sqlText reads the SQL argument node with offsets: a literal, a
// heredoc (also with .squish and friends), or a local variable holding
// one.
func (t *tr) sqlText(n *node, e *env) *mtext {
	switch n.Type() {
	case "string", "chained_string", "heredoc_beginning":
		m, ok := t.stringNode(n, e)
		if ok {
			return m
		}
		return nil
	case "call":
		recv, meth, _, _ := callParts(n)
		if recv != nil && meth != nil {
			switch t.text(meth) {
			case "squish", "strip", "freeze", "chomp", "dup", "strip_heredoc":
				return t.sqlText(recv, e)
			}
		}
	case "identifier":
		if v, ok := e.lookup(t.text(n)); ok && v.k == kString && v.n != nil && v.n != n {
			return t.sqlText(v.n, e)
		}
	case "parenthesized_statements":
		if k := lastNamed(n); k != nil {
			return t.sqlText(k, e)
		}
	}
	return nil
}

// runSQL parses SQL text and adds its operations and syntax errors with
// spans in the host file.
func (t *tr) runSQL(m *mtext) {
	t.flushSent()
	if !validUTF8(m.text) {
		s, e := m.span(0, len(m.text))
		t.syntaxNote(t.f.Span(s, e), "SQL is not valid UTF-8")
		return
	}
	sf := source.NewFile(t.f.Path, m.text)
	res := sqlparse.Parse(sf)
	mapSpan := func(sp source.Span) source.Span {
		s, e := m.span(sp.Start.Offset, sp.End.Offset)
		return t.f.Span(s, e)
	}
	for _, err := range res.Errors {
		at, _ := m.span(err.Pos.Offset, err.Pos.Offset)
		sp := mapSpan(err.Span)
		sp.Start = t.f.Pos(at)
		if sp.End.Offset < at {
			sp.End = sp.Start
		}
		if err.TooComplex {
			t.note = append(t.note, migration.Note{Kind: migration.NoteTooComplex, Span: sp, Message: err.Message})
			continue
		}
		t.syntaxNote(sp, "SQL syntax error: "+err.Message)
	}
	if !t.schemaFile {
		t.sent.Add(res, sf, t.stmt, mapSpan, false)
	}
	list := ops.FromStatements(res.Statements, ops.Options{PGVersion: t.pg, File: sf})
	for i := range list {
		op := &list[i]
		op.Span = mapSpan(op.Span)
		for j := range op.Columns {
			op.Columns[j].Span = mapSpan(op.Columns[j].Span)
		}
		if op.ColumnDef != nil {
			op.ColumnDef.Span = mapSpan(op.ColumnDef.Span)
		}
	}
	t.add(list, len(res.Statements))
}
