package verify

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
)

// Failure is a statement PostgreSQL rejected, placed in its file.
type Failure struct {
	File    string
	Span    source.Span // from the error position to the end of the statement
	Message string      // PostgreSQL's message, with its detail
	Hint    string
	Code    string // SQLSTATE; empty for a syntax error found before sending

	src *source.File
}

// exec runs one statement with the simple query protocol, as psql and
// migration tools send it.
func exec(ctx context.Context, conn *pgconn.PgConn, sql string) error {
	_, err := conn.Exec(ctx, sql).ReadAll()
	return err
}

// failureAt places err, returned for statement st of f, in the file.
// PostgreSQL reports the position as a 1-based character index into the
// text sent, which is st.Text: when that text is not in the file as sent
// (SQL a framework builds for a call), the whole statement is blamed.
func failureAt(f *source.File, st sqlparse.Statement, err error) Failure {
	out := Failure{File: f.Path, Span: st.Span, Message: err.Error(), src: f}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		out.Message = pgErr.Message
		if pgErr.Detail != "" {
			out.Message += " (" + pgErr.Detail + ")"
		}
		out.Hint = pgErr.Hint
		out.Code = pgErr.Code
		if pgErr.Position > 0 && verbatim(f, st.Span, st.Text) {
			off := st.Span.Start.Offset + source.OffsetOfRune([]byte(st.Text), int(pgErr.Position)-1)
			out.Span = f.Span(off, max(off, st.Span.End.Offset))
		}
	}
	return out
}

// syntaxFailure is a statement the parser rejected before it was sent.
func syntaxFailure(f *source.File, e *sqlparse.SyntaxError) Failure {
	return Failure{File: f.Path, Span: source.Span{Start: e.Pos, End: e.Span.End}, Message: "syntax error: " + e.Message, Code: "42601", src: f}
}

// previousSchema builds the schema the running release uses in the
// database conn is connected to: its schema dump when the previous
// release has one, else its migrations replayed in order (those in the
// pending set excepted: --pending-from may say the database lacks them),
// framework migrations as the SQL of their translation.
// Statements that fail are returned, not skipped silently; the rest is
// still loaded.
func previousSchema(ctx context.Context, l *loader, prev check.Tree, dumpPath string, static *check.Result) (notes []string, failures []Failure, err error) {
	if dumpPath != "" {
		text, rerr := fs.ReadFile(prev.FS, dumpPath)
		if rerr == nil {
			f := source.NewFile(dumpPath, text)
			failures, err = loadDump(ctx, l, f)
			return []string{fmt.Sprintf("previous schema: %s at %s", dumpPath, prev.Name)}, failures, err
		}
	}
	pending := map[string]bool{}
	for _, m := range static.Pending {
		pending[check.Key(m)] = true
	}
	stmts, names := standIns(static, pending)
	for _, s := range stmts {
		if err := exec(ctx, l.pg(), s); err != nil {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			notes = append(notes, fmt.Sprintf("previous schema: could not create a stand-in table: %s", pgMessage(err)))
		}
	}
	replayed, foreign, partial := 0, map[migration.Format]int{}, map[migration.Format]int{}
	for _, m := range static.Previous {
		if m.Down || pending[check.Key(m)] {
			continue
		}
		var fails []Failure
		var err error
		switch {
		case m.Format.IsFramework() && m.Framework:
			// The statements the framework sends for it; code it runs
			// that has no SQL schemagate can see is left out.
			if untranslated(m) {
				partial[m.Format]++
			}
			fails, err = replayTranslation(ctx, l, m)
		case len(m.Regions) == 0 || m.Format.IsFramework():
			foreign[m.Format]++
			continue
		default:
			fails, err = replay(ctx, l, m)
		}
		if err != nil {
			return nil, failures, err
		}
		failures = append(failures, fails...)
		replayed++
	}
	notes = append(notes, fmt.Sprintf("previous schema: %d migration(s) of %s replayed", replayed, prev.Name))
	if len(names) > 0 {
		notes = append(notes, fmt.Sprintf("previous schema: %s, which the migrations refer to but do not create (the framework's own tables), stand in with just their keys", strings.Join(names, ", ")))
	}
	for _, format := range slices.Sorted(maps.Keys(foreign)) {
		notes = append(notes, fmt.Sprintf("%d %s migration(s) of %s are not SQL and were not replayed: commit a schema dump (db/structure.sql) so verify can load the previous schema", foreign[format], format, prev.Name))
	}
	for _, format := range slices.Sorted(maps.Keys(partial)) {
		notes = append(notes, fmt.Sprintf("%d %s migration(s) of %s hold code schemagate cannot translate and were replayed without it: if the previous schema misses what that code does, commit a schema dump (db/structure.sql)", partial[format], format, prev.Name))
	}
	return notes, failures, nil
}

// untranslated reports whether a translation left code out: a call it
// does not know, or a syntax error.
func untranslated(m *migration.Migration) bool {
	for _, n := range m.Notes {
		if n.Kind == migration.NoteUnrecognised || n.Kind == migration.NoteUnchecked || n.Kind == migration.NoteSyntaxError {
			return true
		}
	}
	return false
}

// findDump returns the schema dump of tree: the configured one, else the
// first of check.DefaultDumps it has.
func findDump(t check.Tree, configured string) string {
	candidates := check.DefaultDumps
	if configured != "" {
		candidates = []string{configured}
	}
	for _, p := range candidates {
		if st, err := fs.Stat(t.FS, p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// loadDump runs a pg_dump --schema-only file statement by statement.
// psql meta-commands (\connect, \restrict) are not SQL and are skipped.
// The dump empties search_path for its own session, so l must not be
// used for anything else afterwards.
func loadDump(ctx context.Context, l *loader, f *source.File) ([]Failure, error) {
	parsed := source.NewFile(f.Path, blankMetaCommands(f.Text))
	res := sqlparse.Parse(parsed)
	var failures []Failure
	for _, e := range res.Errors {
		failures = append(failures, syntaxFailure(f, e))
	}
	for _, st := range res.Statements {
		if st.Node.GetInsertStmt() != nil {
			// Rows in a schema dump are the migration tool's bookkeeping
			// (Rails' schema_migrations versions), not schema.
			continue
		}
		err := l.exec(ctx, st)
		if ctx.Err() != nil {
			return failures, ctx.Err()
		}
		if err != nil && !harmlessInDump(st, err) {
			failures = append(failures, failureAt(f, st, err))
		}
	}
	return failures, nil
}

// harmlessInDump: dumps of PostgreSQL 14 and older create schema public,
// which a database made from template0 already has.
func harmlessInDump(st sqlparse.Statement, err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P06" && strings.EqualFold(strings.Join(strings.Fields(st.Text), " "), "CREATE SCHEMA public")
}

// replay runs one migration of the previous release as its tool would:
// inside one transaction when the tool wraps it, else statement by
// statement. A failure rolls the tool's transaction back and ends the
// migration, as the tool would; the caller goes on with the next one so
// as much of the schema as possible is there.
func replay(ctx context.Context, l *loader, m *migration.Migration) ([]Failure, error) {
	conn := l.pg()
	if m.Statements == nil && m.SyntaxErrors == nil {
		m.Parse() // check let the parse trees go
	}
	var failures []Failure
	for _, e := range m.SyntaxErrors {
		failures = append(failures, syntaxFailure(m.File, e))
	}
	if m.Transactional {
		if err := exec(ctx, conn, "BEGIN"); err != nil {
			return failures, err
		}
	}
	for _, st := range m.Statements {
		err := l.exec(ctx, st)
		if ctx.Err() != nil {
			return failures, ctx.Err()
		}
		if err != nil {
			failures = append(failures, failureAt(m.File, st, err))
			if conn.TxStatus() == 'E' {
				break
			}
		}
	}
	if conn.TxStatus() != 'I' {
		end := "COMMIT"
		if conn.TxStatus() == 'E' {
			end = "ROLLBACK"
		}
		if err := exec(ctx, conn, end); err != nil {
			failures = append(failures, Failure{File: m.File.Path, Span: m.File.Span(0, 0), Message: end + ": " + err.Error()})
		}
	}
	return failures, ctx.Err()
}

// blankMetaCommands replaces lines starting with a backslash by spaces,
// keeping every offset.
func blankMetaCommands(text []byte) []byte {
	var out []byte
	start := 0
	for i := 0; i <= len(text); i++ {
		if i < len(text) && text[i] != '\n' {
			continue
		}
		if start < len(text) && text[start] == '\\' {
			if out == nil {
				out = append([]byte(nil), text...)
			}
			for j := start; j < i; j++ {
				out[j] = ' '
			}
		}
		start = i + 1
	}
	if out == nil {
		return text
	}
	return out
}
