package verify

import (
	"context"
	"time"

	pg "github.com/pganalyze/pg_query_go/v5"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Framework migrations (Rails, Django, Alembic) run as the statements
// their translation says the framework sends (Translation.SQL), each in
// or outside the framework's transaction as it says, with findings at the
// call in the Ruby or Python file that sent it.

// sentStatements parses one statement a framework sends. SQL written in
// the migration (execute, RunSQL, op.execute) is parsed where it stands,
// so PostgreSQL's error positions land inside it; SQL the framework
// builds is parsed on its own and every statement takes the span of the
// call.
func sentStatements(f *source.File, s migration.SQLStatement) ([]sqlparse.Statement, []*sqlparse.SyntaxError) {
	if verbatim(f, s.Span, s.Text) {
		res := sqlparse.ParseRegion(f, s.Span.Start.Offset, s.Span.End.Offset)
		return res.Statements, res.Errors
	}
	res := sqlparse.Parse(source.NewFile(f.Path, []byte(s.Text)))
	for i := range res.Statements {
		res.Statements[i].Span = s.Span
	}
	for _, e := range res.Errors {
		e.Pos, e.Span = s.Span.Start, s.Span
	}
	return res.Statements, res.Errors
}

// verbatim reports whether text is exactly what f holds at span.
func verbatim(f *source.File, span source.Span, text string) bool {
	s, e := span.Start.Offset, span.End.Offset
	return f != nil && s >= 0 && s <= e && e <= len(f.Text) && string(f.Text[s:e]) == text
}

// hasParams reports whether a statement has parameters ($1): the
// framework binds them to values known only when the migration runs.
func hasParams(text string) bool {
	res, err := pg.Scan(text)
	if err != nil {
		return false
	}
	for _, t := range res.Tokens {
		if t.Token == pg.Token_PARAM {
			return true
		}
	}
	return false
}

// implicitGroup reports whether the statements of one text sent in one
// call outside a transaction block run as PostgreSQL's implicit
// transaction: several statements, none of them transaction control.
func implicitGroup(stmts []sqlparse.Statement, inTx bool) bool {
	if inTx || len(stmts) < 2 {
		return false
	}
	for _, st := range stmts {
		if txControl(st.Node) != "" {
			return false
		}
	}
	return true
}

// applyTranslation applies a framework migration statement by statement,
// opening the framework's transaction before a statement that runs in it
// and committing it before one that runs outside it, and stops at the
// first statement PostgreSQL rejects.
func (a *applier) applyTranslation(ctx context.Context, m *migration.Migration, out *Applied) (*Failure, error) {
	f := m.File
	var last *Statement
	for _, sent := range m.SQL {
		stmts, errs := sentStatements(f, sent)
		// The statements before one the parser rejects run; the server
		// rejects that one.
		var bad *sqlparse.SyntaxError
		if len(errs) > 0 {
			bad = errs[0]
			n := 0
			for n < len(stmts) && stmts[n].Span.Start.Offset < bad.Span.Start.Offset {
				n++
			}
			stmts = stmts[:n]
		}
		inTx := sent.InTransaction || implicitGroup(stmts, sent.InTransaction)
		for _, st := range stmts {
			if txControl(st.Node) == "" {
				if fail, err := a.frameworkTx(ctx, f, inTx, last); fail != nil || err != nil {
					return fail, err
				}
			}
			run := a.statement
			if hasParams(st.Text) {
				run = a.prepareOnly
			}
			kept, fail, err := a.step(ctx, run, f, st, out)
			if fail != nil || err != nil {
				return fail, err
			}
			last = kept
		}
		if bad != nil {
			fail := syntaxFailure(f, bad)
			return &fail, a.rollback(ctx)
		}
		if inTx && !sent.InTransaction {
			if fail, err := a.frameworkTx(ctx, f, false, last); fail != nil || err != nil {
				return fail, err
			}
		}
	}
	return a.commit(ctx, f, last)
}

// frameworkTx puts the migrating connection in or out of a transaction
// block, as the framework does between statements.
func (a *applier) frameworkTx(ctx context.Context, f *source.File, inTx bool, last *Statement) (*Failure, error) {
	conn := a.m.PgConn()
	switch idle := conn.TxStatus() == 'I'; {
	case inTx && idle:
		if err := exec(ctx, conn, "BEGIN"); err != nil {
			return nil, err
		}
		clear(a.held)
	case !inTx && !idle:
		return a.commit(ctx, f, last)
	}
	return nil, nil
}

// commit ends the open transaction block, if any. A deferred constraint
// that fails at COMMIT is blamed on the last statement.
func (a *applier) commit(ctx context.Context, f *source.File, last *Statement) (*Failure, error) {
	conn := a.m.PgConn()
	if conn.TxStatus() == 'I' {
		return nil, nil
	}
	start := time.Now()
	if err := exec(ctx, conn, "COMMIT"); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		span := f.Span(0, 0)
		if last != nil {
			span = last.Span
			last.Error = "COMMIT: " + pgMessage(err)
		}
		fail := Failure{File: f.Path, Span: span, Message: "COMMIT failed: " + pgMessage(err), Code: pgCode(err)}
		return &fail, a.rollback(ctx)
	}
	if last != nil {
		last.Duration += time.Since(start)
		last.DurationMS = ms(last.Duration)
	}
	clear(a.held)
	return nil, nil
}

// prepareOnly checks a statement whose parameters get values only when
// the migration runs: PostgreSQL prepares it against the schema, which
// finds what it names that does not exist, but it is not run.
func (a *applier) prepareOnly(ctx context.Context, f *source.File, st sqlparse.Statement) (Statement, *Failure, error) {
	conn := a.m.PgConn()
	s := Statement{File: f.Path, Line: st.Span.Start.Line, Span: st.Span, SQL: oneLineSQL(st.Text), InTransaction: conn.TxStatus() != 'I'}
	if _, err := conn.Prepare(ctx, "", st.Text, nil); err != nil {
		if ctx.Err() != nil {
			return s, nil, ctx.Err()
		}
		fail := failureAt(f, st, err)
		s.Error = fail.Message
		return s, &fail, nil
	}
	s.Skipped = "prepared, not run: its parameters get their values only when the migration runs"
	return s, nil, nil
}

// replayTranslation runs one framework migration of the previous release
// as the framework would. A failure inside a transaction block rolls it
// back and ends the migration, as the framework would; outside one, the
// next statement still runs, so that as much of the schema as possible
// is there.
func replayTranslation(ctx context.Context, l *loader, m *migration.Migration) ([]Failure, error) {
	conn := l.pg()
	f := m.File
	var failures []Failure
	end := func() error {
		if conn.TxStatus() == 'I' {
			return nil
		}
		stmt := "COMMIT"
		if conn.TxStatus() == 'E' {
			stmt = "ROLLBACK"
		}
		if err := exec(ctx, conn, stmt); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			failures = append(failures, Failure{File: f.Path, Span: f.Span(0, 0), Message: stmt + ": " + pgMessage(err), src: f})
		}
		return nil
	}
	for _, sent := range m.SQL {
		stmts, errs := sentStatements(f, sent)
		for _, e := range errs {
			failures = append(failures, syntaxFailure(f, e))
		}
		inTx := sent.InTransaction || implicitGroup(stmts, sent.InTransaction)
		for _, st := range stmts {
			if hasParams(st.Text) {
				continue
			}
			if txControl(st.Node) == "" {
				switch idle := conn.TxStatus() == 'I'; {
				case inTx && idle:
					if err := exec(ctx, conn, "BEGIN"); err != nil {
						return failures, err
					}
				case !inTx && !idle:
					if err := end(); err != nil {
						return failures, err
					}
				}
			}
			err := l.exec(ctx, st)
			if ctx.Err() != nil {
				return failures, ctx.Err()
			}
			if err != nil {
				failures = append(failures, failureAt(f, st, err))
				if conn.TxStatus() == 'E' {
					err := end()
					return failures, err
				}
			}
		}
		if inTx && !sent.InTransaction {
			if err := end(); err != nil {
				return failures, err
			}
		}
	}
	err := end()
	return failures, err
}
