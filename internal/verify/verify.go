// Package verify asks a real PostgreSQL whether the pending migrations
// are safe while the previous release runs: in a sandbox (a throwaway
// cluster it starts and owns, where everything runs as a role without
// superuser) it builds the schema the previous release runs on (read
// from the deployed database, or from the release itself), prepares
// every query of that release there, applies the pending migrations
// statement by statement while a second connection reads the locks each
// one holds and whether it rewrote a table, then prepares the queries
// again and runs the INSERTs in savepoints that are rolled back. Where
// the server disagrees with check's static verdict, it says so.
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

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations/migration"
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
	// DatabaseURL names the deployed database. verify only reads it, in
	// read-only transactions: its version, its roles' names and its
	// schema (pg_dump --schema-only), which it copies into the sandbox as
	// the previous schema. Nothing of the migrations is ever sent to it.
	// Empty: the previous schema comes from the previous release.
	DatabaseURL string
	// KeepPGVersion keeps Check.Config.PGVersion (--pg-version was given)
	// instead of the deployed server's major version (the sandbox's
	// without DatabaseURL).
	KeepPGVersion bool
	// Log, when set, receives progress lines.
	Log func(format string, args ...any)
}

// Result is verify's verdict.
type Result struct {
	Server string // the sandbox it ran in
	// Source names the database the previous schema was read from
	// (password redacted); empty when it came from the release.
	Source   string
	Version  int    // the sandbox's major version
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

// Run reads the deployed database when Input.DatabaseURL names one,
// checks statically, starts a sandbox from the server binaries on this
// machine (of the deployed server's major version when installed),
// verifies there, and removes the sandbox, also when ctx ends first.
func Run(ctx context.Context, in Input) (_ *Result, err error) {
	src, err := readSource(ctx, in)
	if err != nil {
		return nil, err
	}
	var bin string
	var version int
	if src != nil {
		bin, version, err = pgdb.FindBinariesFor(src.Version)
	} else if bin, err = pgdb.FindBinaries(); err == nil {
		version, err = pgdb.BinariesVersion(bin)
	}
	if err != nil {
		return nil, err
	}
	static, cfg, err := staticCheck(in, src, version)
	if err != nil {
		return nil, err
	}
	if err := dumpSource(ctx, in, src, bin); err != nil {
		return nil, err
	}
	logf(in, "starting an embedded PostgreSQL from %s", bin)
	sb, err := OpenSandbox(ctx, bin)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := sb.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	return sb.verify(ctx, in, static, cfg, src)
}

// RunOn verifies in an open sandbox, in a database it creates there and
// drops at the end. Tests share one sandbox between runs.
func RunOn(ctx context.Context, sb *Sandbox, in Input) (*Result, error) {
	src, err := readSource(ctx, in)
	if err != nil {
		return nil, err
	}
	if src != nil && src.Version > sb.Version {
		return nil, fmt.Errorf("%s runs PostgreSQL %d, newer than the sandbox's %d", src.Name, src.Version, sb.Version)
	}
	static, cfg, err := staticCheck(in, src, sb.Version)
	if err != nil {
		return nil, err
	}
	if err := dumpSource(ctx, in, src, sb.cluster.BinDir); err != nil {
		return nil, err
	}
	return sb.verify(ctx, in, static, cfg, src)
}

// readSource reads the deployed database's version and roles, or nil
// without one.
func readSource(ctx context.Context, in Input) (*pgdb.Source, error) {
	if in.DatabaseURL == "" {
		return nil, nil
	}
	logf(in, "reading %s (read-only)", redact.ConnString(in.DatabaseURL))
	return pgdb.ReadSource(ctx, in.DatabaseURL)
}

// dumpSource reads the deployed database's schema with pg_dump.
func dumpSource(ctx context.Context, in Input, src *pgdb.Source, bin string) error {
	if src == nil {
		return nil
	}
	logf(in, "reading the schema of %s with pg_dump --schema-only", src.Name)
	return src.DumpSchema(ctx, in.DatabaseURL, bin)
}

// staticCheck runs check with the PostgreSQL version the rules assume:
// the deployed server's, else the sandbox's, unless --pg-version says.
func staticCheck(in Input, src *pgdb.Source, version int) (*check.Result, *config.Config, error) {
	cfg := config.Default()
	if in.Check.Config != nil {
		c := *in.Check.Config
		cfg = &c
	}
	if !in.KeepPGVersion {
		cfg.PGVersion = version
		if src != nil {
			cfg.PGVersion = src.Version
		}
	}
	in.Check.Config = cfg
	if len(in.Check.Previous) == 0 {
		return nil, nil, errors.New("verify needs the previous release (--previous REV)")
	}
	logf(in, "checking statically")
	static, err := check.Run(in.Check)
	return static, cfg, err
}

// verify runs everything after the static check in a database of the
// sandbox, dropped at the end.
func (sb *Sandbox) verify(ctx context.Context, in Input, static *check.Result, cfg *config.Config, src *pgdb.Source) (_ *Result, err error) {
	prev := in.Check.Previous[0]
	res := &Result{Server: sb.Name, Version: sb.Version, Previous: prev.Name, Static: static, Files: map[string]*source.File{}}
	for k, v := range static.Files {
		res.Files[k] = v
	}
	var name, owner string
	var roles []string
	if src != nil {
		name, owner, roles = src.Database, src.User, src.Roles
		res.Source = fmt.Sprintf("PostgreSQL %s at %s", src.Full, src.Name)
	}
	db, err := sb.newDatabase(ctx, name, owner, roles)
	if err != nil {
		return nil, err
	}
	defer db.dropJoin(&err)

	// The previous schema.
	logf(in, "building the previous schema")
	loader, err := newLoader(ctx, db)
	if err != nil {
		return nil, err
	}
	var notes []string
	var failures []Failure
	dump := findDump(prev, in.Check.SchemaDump)
	if src != nil {
		f := source.NewFile(src.Name, src.Schema)
		failures, err = loadDump(ctx, loader, f)
		res.Files[f.Path] = f
		notes = []string{fmt.Sprintf("previous schema: read from %s (pg_dump --schema-only, read-only) and copied into the sandbox", res.Source)}
	} else {
		notes, failures, err = previousSchema(ctx, loader, prev, dump, static)
	}
	loader.close(ctx)
	if err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes, notes...)
	for _, f := range failures {
		what := prev.Name
		if src != nil {
			what = res.Source
		}
		res.add(rules.VerifyStatementFailed, rules.Warning, f.File, f.Span,
			fmt.Sprintf("building the previous schema (%s): PostgreSQL rejected this statement: %s", what, f.Message),
			"the sandbox's copy of the previous schema lacks what this statement creates, so later results may be off: make it run on a fresh database")
		if _, known := res.Files[f.File]; !known {
			res.Files[f.File] = f.src
		}
	}

	// The previous release's queries, on the previous schema.
	qs, err := res.queriesBefore(ctx, in, db.URL, static, sb.Version)
	if err != nil {
		return nil, err
	}

	// The pending migrations.
	afterURL := db.URL
	runnable, notes := runnablePending(static)
	res.Notes = append(res.Notes, notes...)
	switch newDump := findDump(in.Check.New, in.Check.SchemaDump); {
	case len(runnable) > 0:
		logf(in, "applying %d pending migration(s) as role %s, without superuser", len(runnable), db.Owner)
		applied, err := Apply(ctx, db.URL, runnable, ApplyOptions{PGVersion: cfg.PGVersion, Observer: db.AdminURL})
		if err != nil {
			return nil, err
		}
		res.Statements = applied.Statements
		res.NotApplied = applied.NotApplied
		if f := applied.Failure; f != nil {
			msg, hint := failureMessage(f, db.Owner)
			if len(applied.NotApplied) > 0 {
				msg += fmt.Sprintf("; the tool stops here, and the %d migration(s) after it were not verified", len(applied.NotApplied))
			}
			res.add(rules.VerifyStatementFailed, 0, f.File, f.Span, msg, hint)
		}
	case dump != "" && newDump == dump && preDeploy(static.Pending) && dumpChanged(prev, in.Check.New, dump):
		// Framework migrations whose translations send no SQL, with a
		// committed dump: the schema after is the new release's dump.
		// What each statement locked cannot be known without them. (Not
		// when only post-deployment migrations are pending: the dump
		// has them done, and the previous release never sees them.)
		// err is the function's own, so a failed drop reaches the caller.
		var newDB *database
		if newDB, err = res.loadNewDump(ctx, sb, in, dump); err != nil {
			return nil, err
		}
		defer newDB.dropJoin(&err)
		afterURL = newDB.URL
	}

	// The same queries after, on a connection of their own: the
	// migrations may have ended the sessions of their role.
	logf(in, "preparing the queries again after the pending migrations")
	after, err := pgdb.Connect(ctx, afterURL)
	if err != nil {
		return nil, fmt.Errorf("after the pending migrations: %w", err)
	}
	defer after.Close(context.WithoutCancel(ctx))
	if err := prepareAfter(ctx, after.PgConn(), qs); err != nil {
		return nil, err
	}
	if err := executeInserts(ctx, after, qs, false); err != nil {
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

// preDeploy reports whether the change runs before the deploy, while the
// previous release serves: not when every pending migration is a
// post-deployment one.
func preDeploy(pending []*migration.Migration) bool {
	for _, m := range pending {
		if !m.PostDeploy {
			return true
		}
	}
	return len(pending) == 0
}

// queriesBefore prepares the previous release's queries on the previous
// schema and runs its INSERTs, as the database's owner. The connection
// is closed before the migrations run.
func (r *Result) queriesBefore(ctx context.Context, in Input, url string, static *check.Result, version int) ([]*Query, error) {
	conn, err := pgdb.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	qs := collectQueries(static.PreviousIndex)
	if qs, err = modelQueries(ctx, conn, qs, version); err != nil {
		return nil, err
	}
	logf(in, "preparing %d queries of %s on the previous schema", len(qs), r.Previous)
	if err := prepareBefore(ctx, conn.PgConn(), qs); err != nil {
		return nil, err
	}
	if err := executeInserts(ctx, conn, qs, true); err != nil {
		return nil, err
	}
	return qs, nil
}

// failureMessage words a pending statement PostgreSQL rejected. One it
// refused for lack of privilege needs more than owning the database:
// that is what the sandbox's role has, and what it cannot have without
// reaching outside the database.
func failureMessage(f *Failure, owner string) (msg, hint string) {
	if f.Code != "42501" {
		return "PostgreSQL rejected this statement: " + f.Message, f.Hint
	}
	return fmt.Sprintf("PostgreSQL refused this statement in verify's sandbox, where migrations run as %s, which owns the database but has no superuser, CREATEROLE or CREATEDB: %s", owner, f.Message),
		"it needs privileges beyond the database it migrates (superuser, other roles, server files or programs): run it apart from the migrations, by an administrator, and keep the migration to what the database's owner may do"
}

// runnablePending are the pending migrations verify can apply: SQL
// migrations, and framework migrations whose translation has SQL. The
// notes say what is left out.
func runnablePending(static *check.Result) ([]*migration.Migration, []string) {
	var runnable []*migration.Migration
	foreign, empty, partial := map[migration.Format]int{}, map[migration.Format]int{}, map[migration.Format]int{}
	post := 0
	for _, m := range static.Pending {
		translated := m.Framework
		switch {
		case m.PostDeploy:
			// It runs once the previous release is gone: the previous
			// release's queries need not survive it.
			post++
		case m.Format.IsFramework() && translated && len(m.SQL) > 0:
			if untranslated(m) {
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
	if post > 0 {
		notes = append(notes, fmt.Sprintf("%d post-deployment migration(s) were not applied: they run after the new release is deployed, when the previous release's queries no longer run (check checks them against the new release)", post))
	}
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
// own.
func (r *Result) loadNewDump(ctx context.Context, sb *Sandbox, in Input, dump string) (*database, error) {
	logf(in, "loading %s of %s", dump, in.Check.New.Name)
	text, err := fs.ReadFile(in.Check.New.FS, dump)
	if err != nil {
		return nil, fmt.Errorf("reading %s of %s: %w", dump, in.Check.New.Name, err)
	}
	db, err := sb.newDatabase(ctx, "", "", nil)
	if err != nil {
		return nil, err
	}
	l, err := newLoader(ctx, db)
	if err != nil {
		return nil, errors.Join(err, db.drop())
	}
	f := source.NewFile(dump, text)
	fails, err := loadDump(ctx, l, f)
	l.close(ctx)
	if err != nil {
		return nil, errors.Join(err, db.drop())
	}
	for _, fl := range fails {
		r.add(rules.VerifyStatementFailed, 0, fl.File, fl.Span, "PostgreSQL rejected this statement of the new schema dump: "+fl.Message, fl.Hint)
	}
	r.Files[dump] = f
	r.Notes = append(r.Notes, fmt.Sprintf("the pending migrations send no SQL schemagate can see: the schema after them is %s of %s (locks and rewrites are not observed)", dump, in.Check.New.Name))
	return db, nil
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
		hint := "ship this migration after the release that stops using what it changes"
		by := r.blame(q)
		if len(by) > 0 {
			hint = "changed by " + strings.Join(by, ", ") + ": " + hint
		}
		// The finding lands on the change under review, the first
		// statement that changed what the query uses, like check's; the
		// query is its evidence. Without one it stays at the query.
		file, span := q.File, r.placeSpan(prev, q.File, q.Line, q.Column)
		var first *Statement
		if len(by) > 0 {
			first = r.blamedStatement(q)
		}
		if first != nil {
			file, span = first.File, first.Span
		}
		f := r.add(rule, 0, file, span, msg, hint)
		f.Release = r.Previous
		places := q.places
		if first != nil {
			f.Evidence = append(f.Evidence, rules.Evidence{Release: r.Previous, File: q.File, Line: q.Line, Column: q.Column, Snippet: r.placeSnippet(q.File, q.Line), Kind: "query"})
			if len(places) > 0 && places[0].File == q.File && places[0].Line == q.Line {
				places = places[1:] // the query's own place, just listed
			}
		}
		for i, p := range places {
			if i == 3 {
				f.MoreEvidence = len(places) - 3
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

// placeSnippet is the trimmed text of a line of a file placeSpan loaded.
func (r *Result) placeSnippet(file string, line int) string {
	f := r.Files[file]
	if f == nil || line < 1 || line > f.LineCount() {
		return ""
	}
	return strings.TrimSpace(f.Line(line))
}

// blamedStatement is the first statement blame names.
func (r *Result) blamedStatement(q *Query) *Statement {
	tables := queryTables(q)
	for i := range r.Statements {
		if s := &r.Statements[i]; !s.RolledBack && s.locksAny(tables) {
			return s
		}
	}
	return nil
}

func queryTables(q *Query) map[string]bool {
	tables := map[string]bool{}
	for _, p := range q.places {
		if p.Table != "" {
			tables[strings.ToLower(p.Table)] = true
		}
	}
	return tables
}

// locksAny reports whether the statement took a lock that changes a
// table of tables (SHARE UPDATE EXCLUSIVE or stronger).
func (s *Statement) locksAny(tables map[string]bool) bool {
	for _, l := range s.Locks {
		name := strings.ToLower(strings.Trim(l.Relation[strings.LastIndex(l.Relation, ".")+1:], `"`))
		if tables[name] && l.Mode >= ops.ShareUpdateExclusive {
			return true
		}
	}
	return false
}

// blame lists the pending statements that locked a table the query uses
// and stayed applied (not undone by a later failure in their
// transaction).
func (r *Result) blame(q *Query) []string {
	tables := queryTables(q)
	var out []string
	for _, s := range r.Statements {
		if !s.RolledBack && s.locksAny(tables) {
			out = append(out, fmt.Sprintf("%s:%d", s.File, s.Line))
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
