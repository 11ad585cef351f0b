package rails

import (
	"slices"

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
	if len(c.pos) == 0 {
		t.recognised--
		t.hint(c.n, "`%s` without SQL: not checked", c.name)
		return
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
			return
		}
		// A string assembled from known parts: map it all to the call.
		m = &mtext{}
		m.add([]byte(v.s), c.n.start, false)
	}
	t.runSQL(m)
}

// sqlText reads the SQL argument node with offsets: a literal, a
// heredoc (also with .squish and friends), or a local variable holding
// one.
func (t *tr) sqlText(n *node, e *env) *mtext {
	switch n.typ {
	case "string", "chained_string", "heredoc_beginning":
		m, ok := t.stringNode(n, e)
		if ok {
			return m
		}
		return nil
	case "call":
		recv, meth, _, _ := callParts(n)
		if recv != nil && meth != nil {
			switch meth.text(t.src) {
			case "squish", "strip", "freeze", "chomp", "dup", "strip_heredoc":
				return t.sqlText(recv, e)
			}
		}
	case "identifier":
		if v, ok := e.lookup(n.text(t.src)); ok && v.k == kString && v.n != nil && v.n != n {
			return t.sqlText(v.n, e)
		}
	case "parenthesized_statements":
		if k := n.lastNamed(); k != nil {
			return t.sqlText(k, e)
		}
	}
	return nil
}

// runSQL parses SQL text and adds its operations and syntax errors with
// spans in the host file.
func (t *tr) runSQL(m *mtext) {
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
		t.syntaxNote(sp, "SQL syntax error: "+err.Message)
	}
	list := ops.FromStatements(res.Statements, ops.Options{PGVersion: t.pg, File: sf})
	base := t.stmt
	t.sendParsed(res, sf, base, mapSpan)
	for i := range list {
		op := list[i]
		op.Stmt += base
		op.Span = mapSpan(op.Span)
		if len(op.Columns) > 0 {
			op.Columns = slices.Clone(op.Columns)
			for j := range op.Columns {
				op.Columns[j].Span = mapSpan(op.Columns[j].Span)
			}
		}
		if op.ColumnDef != nil {
			cd := *op.ColumnDef
			cd.Span = mapSpan(cd.Span)
			op.ColumnDef = &cd
		}
		t.ops = append(t.ops, op)
		t.applyOp(&op)
	}
	t.stmt += len(res.Statements)
}

// applyOp keeps the replayed state in step with SQL run by execute.
func (t *tr) applyOp(op *ops.Op) {
	key := func(n ops.Name) string {
		if n.Schema == "" || n.Schema == "public" {
			return n.Name
		}
		return n.Schema + "." + n.Name
	}
	tb := t.st.table(key(op.Table))
	switch op.Kind {
	case ops.CreateTable:
		nt := &table{name: key(op.Table)}
		for _, c := range op.Columns {
			nt.columns = append(nt.columns, &column{name: c.Name, typ: c.Type, railsType: railsTypeOf(c.Type), array: c.Type.Array})
			if c.PrimaryKey {
				nt.pk = []string{c.Name}
				if c.Serial || c.Identity {
					nt.seq = op.Table.Name + "_" + c.Name + "_seq"
				}
			}
		}
		t.st.tables[nt.name] = nt
	case ops.DropTable:
		delete(t.st.tables, key(op.Table))
	case ops.RenameTable:
		if tb != nil {
			delete(t.st.tables, tb.name)
			tb.name = key(ops.Name{Schema: op.Table.Schema, Name: op.NewName})
			t.st.tables[tb.name] = tb
		}
	case ops.AddColumn:
		if tb != nil && op.ColumnDef != nil && tb.column(op.Column) == nil {
			tb.columns = append(tb.columns, &column{name: op.Column, typ: op.ColumnDef.Type, railsType: railsTypeOf(op.ColumnDef.Type), array: op.ColumnDef.Type.Array})
		}
	case ops.DropColumn:
		if tb != nil {
			tb.dropColumn(op.Column)
		}
	case ops.RenameColumn:
		if c := tb.column(op.Column); c != nil {
			c.name = op.NewName
		}
	case ops.AlterColumnType:
		if c := tb.column(op.Column); c != nil && op.Type != nil {
			c.typ, c.railsType = *op.Type, railsTypeOf(*op.Type)
		}
	case ops.CreateIndex:
		if tb != nil && op.Index != nil && op.Index.Name != "" {
			tb.indexes = append(tb.indexes, &index{name: op.Index.Name, columns: op.Index.Columns, unique: op.Index.Unique})
		}
	case ops.DropIndex:
		if owner := t.st.indexOwner(op.Object.Name); owner != nil {
			owner.dropIndex(op.Object.Name)
		}
	case ops.RenameIndex:
		if owner := t.st.indexOwner(op.Object.Name); owner != nil {
			owner.indexNamed(op.Object.Name).name = op.NewName
		}
	case ops.AddConstraint:
		if tb == nil || op.Constraint == nil {
			return
		}
		k := op.Constraint
		switch k.Type {
		case ops.ForeignKey:
			fk := &foreignKey{name: k.Name, column: first(k.Columns), pk: first(k.RefColumns)}
			if k.RefTable != nil {
				fk.toTable = key(*k.RefTable)
			}
			tb.fks = append(tb.fks, fk)
		case ops.Check:
			tb.checks = append(tb.checks, &check{name: k.Name, expr: k.Expr})
		}
	case ops.DropConstraint:
		if tb != nil {
			tb.fks = slices.DeleteFunc(tb.fks, func(f *foreignKey) bool { return f.name == op.Object.Name })
			tb.checks = slices.DeleteFunc(tb.checks, func(k *check) bool { return k.name == op.Object.Name })
		}
	case ops.CreateExtension:
		t.st.extensions[op.Object.Name] = true
	}
}

// indexSQL parses a CREATE INDEX Rails builds around raw SQL (expression
// columns, where:), for its columns and predicate as ops renders them.
func indexSQL(sql string) (*ops.Index, string) {
	pgCache.Lock()
	r, ok := pgCache.indexes[sql]
	pgCache.Unlock()
	if !ok {
		res := sqlparse.Parse(source.NewFile("", []byte(sql)))
		switch {
		case len(res.Errors) > 0:
			r.err = res.Errors[0].Message
		default:
			list := ops.FromStatements(res.Statements, ops.Options{})
			if len(list) != 1 || list[0].Index == nil {
				r.err = "not a single index definition"
			} else {
				r.index = list[0].Index
			}
		}
		pgCache.Lock()
		pgCache.indexes[sql] = r
		pgCache.Unlock()
	}
	if r.index == nil {
		return nil, r.err
	}
	ix := *r.index
	ix.Columns = slices.Clone(ix.Columns)
	return &ix, ""
}

// checkSQL parses a CHECK expression as ops renders it.
func checkSQL(expr string) (ops.Constraint, string) {
	pgCache.Lock()
	r, ok := pgCache.checks[expr]
	pgCache.Unlock()
	if !ok {
		res := sqlparse.Parse(source.NewFile("", []byte("ALTER TABLE t ADD CONSTRAINT c CHECK ("+expr+")")))
		switch {
		case len(res.Errors) > 0:
			r.err = res.Errors[0].Message
		default:
			list := ops.FromStatements(res.Statements, ops.Options{})
			if len(list) != 1 || list[0].Constraint == nil {
				r.err = "not a single CHECK expression"
			} else {
				r.check = *list[0].Constraint
			}
		}
		pgCache.Lock()
		pgCache.checks[expr] = r
		pgCache.Unlock()
	}
	return r.check, r.err
}
