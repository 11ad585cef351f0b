// Package lint runs the rules over migrations: it parses them, turns
// statements into operations, runs every enabled rule with panics
// contained, applies suppressions and configured severities, and returns
// the findings sorted. check, gate, lsp and verify all lint through here.
package lint

import (
	"fmt"
	"path"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Options configure a lint run.
type Options struct {
	Config *config.Config // severities, pg version; nil: defaults
	// PGVersion overrides Config.PGVersion when non-zero.
	PGVersion int
	// SchemaAt returns the schema before migration i of the run (nil when
	// unknown).
	SchemaAt func(i int) rules.Schema
	// Schema is the schema before every unit, when it is the same for all.
	Schema rules.Schema
	// Compat is set by check: what the running releases reference.
	Compat rules.Compat
	// Catalog, when set, is the schema before the first unit. Units are
	// then checked in order, each against the catalog as the units before
	// it left it, and their operations are applied to it (Order counts up
	// from Catalog.Order+1). Parsing still runs in parallel.
	Catalog *catalog.Catalog
	// Rules restricts the run to these rules (all when empty).
	Rules []*rules.Rule
	// Workers bounds parallelism (GOMAXPROCS when 0).
	Workers int
	// Store, when set, keeps a run's findings between runs under a key
	// naming everything they depend on (see storeKey): a run over
	// unchanged migrations reads them back and parses nothing, leaving
	// Catalog as it was. Runs it cannot name (translated migrations,
	// Compat, Schema or SchemaAt set, a Catalog not empty and no
	// StoreBase) do not use it.
	Store Store
	// StoreBase names the schema in Catalog for Store's key (the
	// contents of the migrations that built it).
	StoreBase string
}

// settings are the configuration and PostgreSQL version of a run.
func (opt Options) settings() (*config.Config, int) {
	cfg := opt.Config
	if cfg == nil {
		cfg = config.Default()
	}
	ver := opt.PGVersion
	if ver == 0 {
		ver = cfg.PGVersion
	}
	return cfg, ver
}

// Store keeps findings between runs (lintcache.Store on disk).
type Store interface {
	Get(key string) ([]rules.Finding, bool)
	Put(key string, findings []rules.Finding)
}

// Run lints migrations and returns all findings sorted by file, position
// and rule. It never fails: problems become findings.
func Run(units []*migration.Migration, opt Options) []rules.Finding {
	cfg, ver := opt.settings()
	active := activeRules(cfg, opt.Rules)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.Catalog != nil {
		key := storeKey(units, opt, ver, active, cfg)
		if key != "" {
			if all, ok := opt.Store.Get(key); ok {
				return all
			}
		}
		all := runInOrder(units, opt, ver, active, cfg, workers)
		if key != "" {
			opt.Store.Put(key, all)
		}
		return all
	}
	results := make([][]rules.Finding, len(units))
	sup := &suppressions{}
	parallel(len(units), workers, func(i int) {
		schema := opt.Schema
		if opt.SchemaAt != nil {
			schema = opt.SchemaAt(i)
		}
		results[i] = lintUnit(units[i], ver, schema, opt.Compat, active, cfg, sup, nil)
	})
	var all []rules.Finding
	for _, r := range results {
		all = append(all, r...)
	}
	Sort(all)
	return all
}

// runInOrder parses units in parallel, a bounded distance ahead, while
// the rules run unit by unit against the catalog state the earlier units
// left. Each unit's operations are applied to the catalog and then let
// go, so memory stays bounded however many files there are.
func runInOrder(units []*migration.Migration, opt Options, ver int, active []*rules.Rule, cfg *config.Config, workers int) []rules.Finding {
	sup := &suppressions{}
	ready := make([]chan struct{}, len(units))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	// Tokens bound how far parsing runs ahead of the rules.
	ahead := make(chan struct{}, workers*4)
	next := make(chan int)
	go func() {
		for i := range units {
			ahead <- struct{}{}
			next <- i
		}
		close(next)
	}()
	for w := 0; w < workers; w++ {
		go func() {
			for i := range next {
				func() {
					defer close(ready[i])
					defer func() { _ = recover() }() // lintUnit reports it again, as a finding
					units[i].Prepare(ver)
				}()
			}
		}()
	}
	cat := opt.Catalog
	conflicts := slices.Contains(active, rules.FailsAgainstSchema)
	files := map[string]*source.File{}
	var all []rules.Finding
	for i, u := range units {
		<-ready[i]
		u.Ops = withoutNoopDrops(u.Ops, cat)
		files[u.Path] = u.File
		// After the rules have seen the catalog as the units before left
		// it, the unit is replayed on it; what will fail there is found
		// on the way.
		replayed := false
		replay := func() []rules.Finding {
			replayed = true
			cat.Order++
			if opaque(u) {
				// Code the translator could not read may have run before
				// any of the unit's statements, and what it did read may
				// be wrong where it guessed (a name known only at run
				// time): the unit is applied unjudged, and the catalog
				// vouches for nothing it knew.
				cat.ApplyAll(u.Ops, u.Path)
				cat.Opaque()
				return nil
			}
			found := cat.Replay(u.Ops, u.Path)
			if !conflicts {
				return nil
			}
			return conflictFindings(u, found, files)
		}
		all = append(all, lintUnit(u, ver, cat, opt.Compat, active, cfg, sup, replay)...)
		if !replayed {
			cat.Order++ // the unit could not be read: it changes nothing known
		}
		// The catalog has what later units need; a SQL unit's operations
		// and statements are let go (Prepare recomputes them if asked).
		if !u.Framework {
			u.Ops, u.Statements = nil, nil
		}
		<-ahead
	}
	Sort(all)
	return all
}

// opaque reports whether the unit holds code the replay could not read
// (a migration in a framework's language the translator did not
// understand, SQL that does not parse): the catalog can no longer vouch
// for the tables it knows.
func opaque(m *migration.Migration) bool {
	if len(m.SyntaxErrors) > 0 {
		return true
	}
	for _, n := range m.Notes {
		switch n.Kind {
		case migration.NoteUnrecognised, migration.NoteUnchecked, migration.NoteSyntaxError, migration.NoteTooComplex:
			return true
		}
	}
	return false
}

// conflictFindings are fails-against-schema findings for the statements
// the replay says will fail, each naming the earlier statement that made
// it so (as evidence, with its line when the file was read in this run).
func conflictFindings(m *migration.Migration, found []catalog.Conflict, files map[string]*source.File) []rules.Finding {
	var out []rules.Finding
	for _, k := range found {
		msg := "PostgreSQL will reject this: " + k.Error
		if k.Origin.File != "" {
			at := k.Origin.File
			if at == m.Path {
				at = "this migration"
			} else {
				at = path.Base(at)
			}
			if line := k.Origin.Span.Start.Line; line > 0 {
				at += fmt.Sprintf(" (line %d)", line)
			}
			msg += "; " + at + " " + k.How
		}
		f := rules.FailsAgainstSchema.At(m.Path, k.Op.Span, msg)
		if k.Origin.File != "" {
			e := rules.Evidence{File: k.Origin.File, Line: k.Origin.Span.Start.Line}
			if src := files[k.Origin.File]; src != nil && e.Line > 0 {
				e.Snippet = strings.TrimSpace(src.Line(e.Line))
			}
			f.Evidence = []rules.Evidence{e}
		}
		out = append(out, f)
	}
	return out
}

// parallel calls f(0..n-1) on up to workers goroutines.
func parallel(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func activeRules(cfg *config.Config, only []*rules.Rule) []*rules.Rule {
	candidates := only
	if len(candidates) == 0 {
		candidates = rules.All()
	}
	var out []*rules.Rule
	for _, r := range candidates {
		// fails-against-schema checks nothing itself: the ordered replay reports it.
		if !r.Checks() && r != rules.FailsAgainstSchema {
			continue
		}
		sev := r.Severity
		if s, ok := cfg.Severity(r.Name); ok {
			sev = s
		}
		if sev == rules.Off {
			continue
		}
		if r == rules.RequireLockTimeout && cfg.LockTimeoutSet {
			continue
		}
		out = append(out, r)
	}
	return out
}

// lintUnit runs every active rule on one migration, then replay (when
// set), whose findings join the rules'. A panic in parsing or in a rule
// becomes an internal-error finding for this file only.
func lintUnit(m *migration.Migration, ver int, schema rules.Schema, compat rules.Compat, active []*rules.Rule, cfg *config.Config, sup *suppressions, replay func() []rules.Finding) (out []rules.Finding) {
	defer func() {
		if r := recover(); r != nil {
			out = append(out, internalError(m, "reading the file", r))
		}
	}()
	m.Prepare(ver)
	if cfg.Unlinted(string(m.Format), m.Version) {
		// Before strong_migrations' start_after: replayed, not linted.
		if replay != nil {
			replay()
		}
		return nil
	}
	// What a translator could not read is a finding at its span.
	for _, n := range m.Notes {
		r := rules.UnrecognisedMigrationCode
		switch n.Kind {
		case migration.NoteSyntaxError:
			r = rules.SyntaxError
		case migration.NoteTooComplex:
			r = rules.StatementTooComplex
		case migration.NoteDataMigration:
			r = rules.DataMigration
		}
		f := r.At(m.Path, n.Span, n.Message)
		if n.Kind == migration.NoteUnchecked {
			f.Severity = rules.Warning // SQL the migration certainly runs, unread
		}
		out = append(out, f)
	}
	for _, e := range m.SyntaxErrors {
		at := source.Span{Start: e.Pos, End: e.Pos}
		if e.TooComplex {
			out = append(out, rules.StatementTooComplex.At(m.Path, at, e.Message))
			continue
		}
		out = append(out, rules.SyntaxError.At(m.Path, e.Token(m.File), "syntax error: "+e.Message))
	}
	for _, p := range m.Problems {
		out = append(out, rules.MigrationFormat.At(m.Path, p.Span, p.Message))
	}
	for _, r := range active {
		if r.Checks() {
			out = append(out, runRule(r, m, ver, schema, compat)...)
		}
	}
	if replay != nil {
		out = append(out, replay()...)
	}
	out = applySuppressions(m.Path, sup.of(m.File), out)
	if cfg.HonorSafetyAssured() {
		out = dropInSpans(out, m.Suppressed)
	}
	for i := range out {
		if s, ok := cfg.Severity(out[i].Rule); ok {
			out[i].Severity = s
		}
	}
	capInSpans(out, m.Undecided)
	// Several operations can come from one call (a Django CreateModel
	// makes its join tables too): one finding per rule, place and message.
	kept := out[:0]
	type place struct {
		rule    string
		offset  int
		message string
	}
	seen := make(map[place]bool, len(out))
	for _, f := range out {
		key := place{f.Rule, f.Span.Start.Offset, f.Message}
		if f.Severity == rules.Off || seen[key] {
			continue
		}
		seen[key] = true
		kept = append(kept, f)
	}
	return kept
}

func runRule(r *rules.Rule, m *migration.Migration, ver int, schema rules.Schema, compat rules.Compat) (out []rules.Finding) {
	defer func() {
		if rec := recover(); rec != nil {
			out = append(out, internalError(m, "rule "+r.Name, rec))
		}
	}()
	p := rules.NewPass(r, m, ver, schema, compat, func(f rules.Finding) { out = append(out, f) })
	p.Run()
	return out
}

func internalError(m *migration.Migration, where string, rec any) rules.Finding {
	stack := string(debug.Stack())
	// Keep the message one line; the first frame inside schemagate helps
	// a bug report.
	frame := ""
	for _, l := range strings.Split(stack, "\n") {
		if strings.Contains(l, "schemagate/") && !strings.Contains(l, "internal/lint") && strings.HasPrefix(l, "\t") {
			frame = strings.TrimSpace(l)
			break
		}
	}
	msg := fmt.Sprintf("internal error in %s: %v", where, rec)
	if frame != "" {
		msg += " (at " + frame + ")"
	}
	var span source.Span
	if m.File != nil {
		span = m.File.Span(0, 0)
	}
	return rules.InternalError.At(m.Path, span, msg)
}

// Sort orders findings by file, position and rule.
func Sort(fs []rules.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j] // not copies: a finding is some 200 bytes
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Span.Start.Offset != b.Span.Start.Offset {
			return a.Span.Start.Offset < b.Span.Start.Offset
		}
		return a.Rule < b.Rule
	})
}

// dropInSpans removes findings inside the spans, except compatibility
// errors: a safety_assured block vouches for locks, not for breaking the
// running release.
func dropInSpans(fs []rules.Finding, spans []source.Span) []rules.Finding {
	if len(spans) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if inSpans(f.Span, spans) && !(f.Category == rules.Compatibility && f.Severity == rules.Error) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// capInSpans lowers the errors found inside the spans to warnings: code
// under a condition the translator could not decide may never run, and
// an error blocks a deploy only for a hazard it can show.
func capInSpans(fs []rules.Finding, spans []source.Span) {
	for i := range fs {
		if fs[i].Severity > rules.Warning && inSpans(fs[i].Span, spans) {
			fs[i].Severity = rules.Warning
			fs[i].Message += " (a warning, not an error: this code runs only under a condition schemagate cannot decide)"
		}
	}
}

func inSpans(sp source.Span, spans []source.Span) bool {
	for _, s := range spans {
		if sp.Start.Offset >= s.Start.Offset && sp.Start.Offset < s.End.Offset {
			return true
		}
	}
	return false
}

// FailingFindings counts the findings at or above a severity.
func FailingFindings(fs []rules.Finding, fails func(rules.Severity) bool) int {
	n := 0
	for _, f := range fs {
		if fails(f.Severity) {
			n++
		}
	}
	return n
}
