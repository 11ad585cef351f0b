// Package verify asks a real PostgreSQL whether the pending migrations
// are safe while the previous release runs: it builds the previous
// release's schema in a scratch database, prepares every query of that
// release there, applies the pending migrations statement by statement
// while a second connection reads the locks each one holds and whether it
// rewrote a table, then prepares the queries again and runs the INSERTs
// in savepoints that are rolled back. Where the server disagrees with
// check's static verdict, it says so.
package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/pgdb"
	"github.com/schemagate/schemagate/internal/redact"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Input is what verify needs.
type Input struct {
	// Check says how to read the releases; verify runs check with it for
	// the pending set, the previous release's migrations and references,
	// and the static verdict it compares with.
	Check check.Input
	// DatabaseURL names the server to create the scratch database on;
	// empty starts a throwaway cluster (Run only).
	DatabaseURL string
	// KeepPGVersion keeps Check.Config.PGVersion (--pg-version was given)
	// instead of the server's major version.
	KeepPGVersion bool
	// Log, when set, receives progress lines.
	Log func(format string, args ...any)
}

// Result is verify's verdict.
type Result struct {
	Server   string // where it ran, password redacted
	Version  int    // the server's major version
	Previous string // the previous release's name
	// Static is check's verdict on the same input.
	Static *check.Result
	// Findings are verify's own (verify-* rules), sorted.
	Findings []rules.Finding
	Files    map[string]*source.File
	Notes    []string
	// Statements are the pending statements as the server ran them.
	Statements []Statement
	// NotApplied are the pending migrations left out after a failure.
	NotApplied []string
	// Queries are the previous release's queries and their results.
	Queries []*Query
	// Disagreements are where the server and check's rules differ.
	Disagreements []Disagreement
}

// Run opens the server (Input.DatabaseURL, or an embedded cluster),
// verifies, and drops everything it created, also when ctx ends first.
func Run(ctx context.Context, in Input) (*Result, error) {
	if in.DatabaseURL == "" {
		logf(in, "starting an embedded PostgreSQL")
	} else {
		logf(in, "connecting to %s", redact.ConnString(in.DatabaseURL))
	}
	srv, err := Open(ctx, in.DatabaseURL)
	if err != nil {
		return nil, err
	}
	res, err := RunOn(ctx, srv, in)
	if cerr := srv.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return res, err
}

// RunOn verifies on an open server, in scratch databases it creates
// there (dropped by srv.Close).
func RunOn(ctx context.Context, srv *Server, in Input) (*Result, error) {
	cfg := config.Default()
	if in.Check.Config != nil {
		c := *in.Check.Config
		cfg = &c
	}
	if !in.KeepPGVersion {
		cfg.PGVersion = srv.Version
	}
	in.Check.Config = cfg
	if len(in.Check.Previous) == 0 {
		return nil, errors.New("verify needs the previous release (--previous REV)")
	}
	logf(in, "checking statically")
	static, err := check.Run(in.Check)
	if err != nil {
		return nil, err
	}
	prev := in.Check.Previous[0]
	res := &Result{Server: srv.Name, Version: srv.Version, Previous: prev.Name, Static: static, Files: map[string]*source.File{}}
	for k, v := range static.Files {
		res.Files[k] = v
	}
	url, err := srv.NewDatabase(ctx)
	if err != nil {
		return nil, err
	}
	guard := in.DatabaseURL != ""

	// The previous schema.
	logf(in, "building the previous schema")
	dump := findDump(prev, in.Check.SchemaDump)
	loader, err := pgdb.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	notes, failures, err := previousSchema(ctx, loader, prev, dump, static, guard)
	_ = loader.Close(context.WithoutCancel(ctx))
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, notes...)
	for _, f := range failures {
		res.add(rules.VerifyStatementFailed, rules.Warning, f.File, f.Span,
			fmt.Sprintf("building the previous schema (%s): PostgreSQL rejected this statement: %s", prev.Name, f.Message),
			"the scratch copy of the previous schema lacks what this statement creates, so later results may be off: make it run on a fresh database")
		if _, known := res.Files[f.File]; !known {
			res.Files[f.File] = f.src
		}
	}

	// The previous release's queries, on the previous schema.
	qconn, err := pgdb.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer qconn.Close(context.WithoutCancel(ctx))
	qs := collectQueries(static.PreviousIndex)
	if qs, err = modelQueries(ctx, qconn, qs, srv.Version); err != nil {
		return nil, err
	}
	logf(in, "preparing %d queries of %s on the previous schema", len(qs), prev.Name)
	if err := prepareBefore(ctx, qconn.PgConn(), qs); err != nil {
		return nil, err
	}
	var superuser bool
	if err := qconn.QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&superuser); err != nil {
		return nil, fmt.Errorf("reading the role: %w", err)
	}
	if err := executeInserts(ctx, qconn, qs, true, superuser); err != nil {
		return nil, err
	}

	// The pending migrations.
	afterConn := qconn
	runnable, notes := runnablePending(static)
	res.Notes = append(res.Notes, notes...)
	switch newDump := findDump(in.Check.New, in.Check.SchemaDump); {
	case len(runnable) > 0:
		logf(in, "applying %d pending migration(s)", len(runnable))
		applied, err := Apply(ctx, url, runnable, ApplyOptions{PGVersion: cfg.PGVersion, Guard: guard, Translations: static.Translations})
		if err != nil {
			return nil, err
		}
		res.Statements = applied.Statements
		res.NotApplied = applied.NotApplied
		if f := applied.Failure; f != nil {
			msg := "PostgreSQL rejected this statement: " + f.Message
			if len(applied.NotApplied) > 0 {
				msg += fmt.Sprintf("; the tool stops here, and the %d migration(s) after it were not verified", len(applied.NotApplied))
			}
			res.add(rules.VerifyStatementFailed, 0, f.File, f.Span, msg, f.Hint)
		}
	case dump != "" && newDump == dump && dumpChanged(prev, in.Check.New, dump):
		// Framework migrations whose translations send no SQL, with a
		// committed dump: the schema after is the new release's dump.
		// What each statement locked cannot be known without them.
		conn, err := res.loadNewDump(ctx, srv, in, dump, guard)
		if err != nil {
			return nil, err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		afterConn = conn
	}

	// The same queries after.
	logf(in, "preparing the queries again after the pending migrations")
	if err := prepareAfter(ctx, afterConn.PgConn(), qs); err != nil {
		return nil, err
	}
	if err := executeInserts(ctx, afterConn, qs, false, superuser); err != nil {
		return nil, err
	}
	res.Queries = qs

	res.statementFindings()
	res.queryFindings(prev)
	res.crossCheck()
	res.Findings = applySeverities(res.Findings, cfg)
	lint.Sort(res.Findings)
	res.Notes = append([]string{res.summary(len(static.Pending))}, res.Notes...)
	for k, f := range res.Files {
		if f == nil {
			delete(res.Files, k)
		}
	}
	return res, nil
}

// runnablePending are the pending migrations verify can apply: SQL
// migrations, and framework migrations whose translation has SQL. The
// notes say what is left out.
func runnablePending(static *check.Result) ([]*migrations.Migration, []string) {
	var runnable []*migrations.Migration
	foreign, empty, partial := map[migrations.Format]int{}, map[migrations.Format]int{}, map[migrations.Format]int{}
	for _, m := range static.Pending {
		tr, translated := static.Translations[m]
		switch {
		case m.Format.IsFramework() && translated && len(tr.SQL) > 0:
			if untranslated(tr) {
				partial[m.Format]++
			}
			runnable = append(runnable, m)
		case m.Format.IsFramework() && translated:
			empty[m.Format]++
		case len(m.Regions) == 0 || m.Format.IsFramework():
			foreign[m.Format]++
		default:
			runnable = append(runnable, m)
		}
	}
	var notes []string
	for _, format := range slices.Sorted(maps.Keys(foreign)) {
		notes = append(notes, fmt.Sprintf("%d pending %s migration(s) are not SQL and were not applied", foreign[format], format))
	}
	for _, format := range slices.Sorted(maps.Keys(empty)) {
		notes = append(notes, fmt.Sprintf("%d pending %s migration(s) send no SQL schemagate can see (data migrations, code it cannot translate) and were not applied", empty[format], format))
	}
	for _, format := range slices.Sorted(maps.Keys(partial)) {
		notes = append(notes, fmt.Sprintf("%d pending %s migration(s) hold code schemagate cannot translate: only the statements it translated were applied", partial[format], format))
	}
	return runnable, notes
}

// loadNewDump loads the new release's schema dump into a database of its
// own and connects to it.
func (r *Result) loadNewDump(ctx context.Context, srv *Server, in Input, dump string, guard bool) (*pgx.Conn, error) {
	logf(in, "loading %s of %s", dump, in.Check.New.Name)
	url, err := srv.NewDatabase(ctx)
	if err != nil {
		return nil, err
	}
	loader, err := pgdb.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	text, err := fs.ReadFile(in.Check.New.FS, dump)
	if err != nil {
		_ = loader.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("reading %s of %s: %w", dump, in.Check.New.Name, err)
	}
	f := source.NewFile(dump, text)
	fails, err := loadDump(ctx, loader, f, guard)
	_ = loader.Close(context.WithoutCancel(ctx))
	if err != nil {
		return nil, err
	}
	for _, fl := range fails {
		r.add(rules.VerifyStatementFailed, 0, fl.File, fl.Span, "PostgreSQL rejected this statement of the new schema dump: "+fl.Message, fl.Hint)
	}
	r.Files[dump] = f
	r.Notes = append(r.Notes, fmt.Sprintf("the pending migrations send no SQL schemagate can see: the schema after them is %s of %s (locks and rewrites are not observed)", dump, in.Check.New.Name))
	return pgdb.Connect(ctx, url)
}

func logf(in Input, format string, args ...any) {
	if in.Log != nil {
		in.Log(format, args...)
	}
}

func dumpChanged(prev, next check.Tree, p string) bool {
	a, err1 := fs.ReadFile(prev.FS, p)
	b, err2 := fs.ReadFile(next.FS, p)
	return err1 == nil && err2 == nil && !bytes.Equal(a, b)
}

// add appends a finding of rule r; sev 0 keeps the rule's severity.
func (r *Result) add(rule *rules.Rule, sev rules.Severity, file string, span source.Span, msg, hint string) *rules.Finding {
	f := rule.At(file, span, msg)
	f.Hint = hint
	if sev != 0 {
		f.Severity = sev
	}
	r.Findings = append(r.Findings, f)
	return &r.Findings[len(r.Findings)-1]
}

func (r *Result) summary(pending int) string {
	broken, prepared := 0, 0
	for _, q := range r.Queries {
		if q.Before == resultOK {
			prepared++
		}
		if q.Broken {
			broken++
		}
	}
	return fmt.Sprintf("verified on %s: %d pending migration(s), %d statement(s) applied; %d of %d queries of %s prepared on the previous schema, %d broken after",
		r.Server, pending, len(r.Statements), prepared, len(r.Queries), r.Previous, broken)
}

// statementFindings reports strong locks and rewrites.
func (r *Result) statementFindings() {
	for _, s := range r.Statements {
		var strong []string
		for _, l := range s.Locks {
			if l.Mode.BlocksWrites() {
				strong = append(strong, fmt.Sprintf("%s on %s %s", l.Mode, l.Kind, l.Relation))
			}
		}
		if len(strong) > 0 {
			blocks := "writes"
			if s.Locks[0].Mode.BlocksReads() {
				blocks = "reads and writes"
			}
			until := "until it ends"
			if s.InTransaction {
				until = "until its transaction commits"
			}
			r.add(rules.VerifyLock, 0, s.File, s.Span,
				fmt.Sprintf("PostgreSQL took %s (blocks %s) and held it %s; here it ran %.1f ms on empty tables", strings.Join(strong, ", "), blocks, until, s.DurationMS),
				"set lock_timeout, keep the statement alone in its transaction, or use a form that takes a weaker lock")
		}
		if len(s.Rewrites) > 0 {
			r.add(rules.VerifyRewrite, 0, s.File, s.Span,
				fmt.Sprintf("PostgreSQL rewrote %s (new relfilenode): in production that copies all of it while the lock is held", strings.Join(s.Rewrites, ", ")),
				"add a new column or table and backfill it in batches instead of changing it in place")
		}
	}
}

// queryFindings reports the previous release's queries that broke, at
// their place in that release.
func (r *Result) queryFindings(prev check.Tree) {
	for _, q := range r.Queries {
		if !q.Broken || (q.model != nil && q.model.Broken) {
			continue // a model whose SELECT broke is one finding
		}
		rule := rules.VerifyQueryBroken
		var msg string
		switch {
		case q.BrokenBy == "insert":
			rule = rules.VerifyInsertBroken
			what := "INSERT"
			if q.Kind == KindModelInsert {
				what = "ORM model's INSERT"
			}
			msg = fmt.Sprintf("this %s of %s succeeds on the previous schema and fails after the pending migrations: %s", what, r.Previous, q.ExecAfter)
		case q.Kind == KindModelSelect:
			msg = fmt.Sprintf("this ORM model of %s loads every column it knows, and after the pending migrations that SELECT fails: %s", r.Previous, q.After)
		case q.Kind == KindModelInsert:
			msg = fmt.Sprintf("this ORM model of %s writes every column it knows, and after the pending migrations that INSERT fails: %s", r.Previous, q.After)
		case q.BrokenBy == "result":
			msg = fmt.Sprintf("this query of %s still prepares after the pending migrations but %s, which its code reads", r.Previous, strings.TrimPrefix(q.After, "prepares, but "))
		default:
			msg = fmt.Sprintf("this query of %s prepares on the previous schema and fails after the pending migrations: %s", r.Previous, q.After)
		}
		span := r.placeSpan(prev, q.File, q.Line, q.Column)
		hint := "ship this migration after the release that stops using what it changes"
		if by := r.blame(q); len(by) > 0 {
			hint = "changed by " + strings.Join(by, ", ") + ": " + hint
		}
		f := r.add(rule, 0, q.File, span, msg, hint)
		f.Release = r.Previous
		for i, p := range q.places {
			if i == 3 {
				f.MoreEvidence = len(q.places) - 3
				break
			}
			kind := string(p.Usage)
			if p.Source != "" {
				kind += " (" + string(p.Source) + ")"
			}
			f.Evidence = append(f.Evidence, rules.Evidence{Release: r.Previous, File: p.File, Line: p.Line, Column: p.Col, Snippet: p.Snippet, Kind: kind})
		}
	}
}

// placeSpan is the span of a place in the previous release, with its
// file loaded for the excerpt when it can be read.
func (r *Result) placeSpan(prev check.Tree, file string, line, col int) source.Span {
	pos := source.Pos{Line: line, Column: max(col, 1)}
	f, known := r.Files[file]
	if !known {
		if text, err := fs.ReadFile(prev.FS, file); err == nil {
			f = source.NewFile(file, text)
		}
		r.Files[file] = f
	}
	if f == nil || line < 1 || line > f.LineCount() {
		return source.Span{Start: pos, End: pos}
	}
	start := f.LineStart(line)
	off := start + source.OffsetOfRune([]byte(f.Line(line)), max(col, 1)-1)
	return f.Span(off, start+len(f.Line(line)))
}

// blame lists the pending statements that locked a table the query uses.
func (r *Result) blame(q *Query) []string {
	tables := map[string]bool{}
	for _, p := range q.places {
		if p.Table != "" {
			tables[strings.ToLower(p.Table)] = true
		}
	}
	var out []string
	for _, s := range r.Statements {
		for _, l := range s.Locks {
			name := strings.ToLower(strings.Trim(l.Relation[strings.LastIndex(l.Relation, ".")+1:], `"`))
			if tables[name] && l.Mode >= ops.ShareUpdateExclusive {
				out = append(out, fmt.Sprintf("%s:%d", s.File, s.Line))
				break
			}
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

// applySeverities applies the configured severities; rules turned off
// are dropped.
func applySeverities(fs []rules.Finding, cfg *config.Config) []rules.Finding {
	var out []rules.Finding
	for _, f := range fs {
		if s, ok := cfg.Severity(f.Rule); ok {
			f.Severity = s
		}
		if f.Severity != rules.Off {
			out = append(out, f)
		}
	}
	return out
}
