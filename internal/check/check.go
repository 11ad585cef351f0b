// Package check decides whether the pending migrations are safe to apply
// while the releases that may still serve traffic keep running: it finds
// the pending set, rebuilds the schema the deployed release runs on, and
// lints the pending migrations with the references of every release.
package check

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/snapshot"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Tree is one release's files.
type Tree struct {
	Name string // "abc1234", "working tree"
	FS   fs.FS
	// TreeID and Commit are the git tree and commit of a revision ("" for
	// the working tree); the reference cache is keyed by the tree.
	TreeID, Commit string
	// Index, when set, is the release's reference index (from a release
	// snapshot); otherwise Input.Index builds it from FS.
	Index *refs.Index
}

// index returns the tree's reference index; skip are its migration
// directories and schema dumps, which hold no references.
func (in Input) index(t Tree, skip []string) (*refs.Index, error) {
	if t.Index != nil {
		return t.Index, nil
	}
	if in.Index == nil {
		return nil, fmt.Errorf("no reference index for %s", t.Name)
	}
	return in.Index(t, skip)
}

// Input is what check needs.
type Input struct {
	Config *config.Config
	// Previous are the releases that may still run; the first decides
	// which migrations are pending.
	Previous []Tree
	// New is the release being deployed.
	New Tree
	// Dirs are the configured migration directories, relative to the
	// tree roots; none: discovered below Root in each tree.
	Dirs []config.MigrationDir
	// Root is the config's directory in the trees ("" at the root), where
	// discovery starts.
	Root string
	// Exclude are path globs (from the tree roots) never read.
	Exclude []string
	// Format forces a migration format.
	Format migration.Format
	// Index builds the reference index of a tree, skipping the paths in
	// skip (path globs: its migration directories and schema dumps).
	Index func(t Tree, skip []string) (*refs.Index, error)
	// SchemaDump is the path of a pg_dump --schema-only file in the trees
	// ("" to look for db/structure.sql and friends).
	SchemaDump string
	// Session, when set, keeps the previous release's migrations and
	// schema between runs (the language server checks on every save).
	Session *Session
	// Translations, when set, keeps what reading each release's
	// migrations gave across runs (see migrations.Store).
	Translations migrations.Store
	// Applied, when set, says which of the new release's migrations (all
	// of them, in apply order) the database has run, from its history
	// table (--pending-from): pending are the others, instead of those
	// the previous release's files lack.
	Applied func(ms []*migration.Migration) ([]bool, error)
}

// Result is check's verdict.
type Result struct {
	Findings []rules.Finding
	Files    map[string]*source.File
	Notes    []string
	Pending  []*migration.Migration
	// Problems are files that could not be read; they make the run
	// exit 2 after the report.
	Problems []migrations.ReadError
	// Previous are the first previous release's migrations in apply
	// order, parsed or translated, and PreviousIndex its reference index:
	// verify replays the one and prepares the queries of the other.
	Previous      []*migration.Migration
	PreviousIndex *refs.Index
	// Dirs are the new release's migration directories, as read.
	Dirs []migrations.Dir
	// Considered are directories discovery passed over, and why (-v).
	Considered []migrations.Candidate
}

// DefaultDumps are the schema dumps looked for when none is configured.
var DefaultDumps = migrations.DefaultDumps

// Run checks the pending migrations.
func Run(in Input) (*Result, error) {
	if len(in.Previous) == 0 {
		return nil, errors.New("check needs the previous release (--previous REV)")
	}
	cfg := in.Config
	if cfg == nil {
		cfg = config.Default()
	}
	res := &Result{Files: map[string]*source.File{}}
	prev := in.Previous[0]
	memo := migrations.NewMemo()
	mopt := migrations.Config{Dirs: in.Dirs, Root: in.Root, Exclude: in.Exclude, Format: in.Format, MaxFileSize: cfg.MaxFileSize, PGVersion: cfg.PGVersion, Memo: memo, Store: in.Translations}
	// Both releases at once. The deployed release's Rails and Alembic
	// migrations, mostly a prefix of the new one's, wait for the new
	// one's translations in the memo instead of translating again.
	sessionKey := fmt.Sprint(prev.Name, "\x00", in.Dirs, "\x00", in.Root, "\x00", in.Exclude, "\x00", in.Format, "\x00", in.SchemaDump, "\x00", cfg.PGVersion, "\x00", cfg.MaxFileSize)
	prevSide, cached := in.Session.side(sessionKey)
	var prevErr error
	var wg sync.WaitGroup
	newRead := make(chan struct{})
	if !cached {
		popt := mopt
		popt.After = newRead
		wg.Go(func() { prevSide, prevErr = readSide(prev, popt, nil) })
	}
	newSide, err := func() (*side, error) {
		defer close(newRead)
		return readSide(in.New, mopt, res)
	}()
	wg.Wait()
	// The files' syntax trees are not needed again: let them go before
	// the reference indexes are built.
	memo.Close()
	if err != nil {
		return nil, err
	}
	if prevErr != nil {
		return nil, prevErr
	}
	res.Dirs, res.Considered = newSide.loaded.Dirs, newSide.loaded.Rejected
	prevMigs, newMigs := prevSide.migrations, newSide.migrations
	diff := Compare(Entries(prevMigs), newMigs)
	if in.Applied != nil {
		ran, err := in.Applied(newMigs)
		if err != nil {
			return nil, err
		}
		var pending []*migration.Migration
		for i, m := range newMigs {
			if i < len(ran) && !ran[i] && !m.Down && !m.Repeatable {
				pending = append(pending, m)
			}
		}
		// Flyway reruns a changed repeatable, after the versioned ones,
		// whatever the table says.
		for _, m := range diff.Pending {
			if m.Repeatable {
				pending = append(pending, m)
			}
		}
		diff.Pending = pending
	}
	res.Pending = diff.Pending
	res.Previous = prevMigs

	// The schema the deployed release runs on: its schema file (the one
	// configured, or a Rails project's) or its migrations replayed.
	dump := in.SchemaDump
	if dump == "" {
		dump = frameworkDump(prev.FS, prevSide.loaded.Dirs)
	}
	cat, ok := in.Session.catalog(sessionKey)
	if !ok {
		if cat, err = previousCatalog(prev, prevSide, dump, cfg); err != nil {
			return nil, err
		}
		in.Session.keep(sessionKey, prevSide, cat)
	}

	// Migrations in a language schemagate does not read (Knex, Ecto, ...)
	// but a committed pg_dump: the change is the dump's diff.
	dumpPath := in.SchemaDump
	if dumpPath == "" && len(newMigs) == 0 && len(prevMigs) == 0 {
		for _, d := range DefaultDumps {
			d = joinRoot(in.Root, d)
			if migrations.IsFile(in.New.FS, d) || migrations.IsFile(prev.FS, d) {
				dumpPath = d
				break
			}
		}
	}
	// Never a blind pass: a release with no migrations schemagate can
	// read, or a directory that looks like migrations and gave nothing,
	// is an error, unless the change is read from a schema dump instead.
	if err := newSide.loaded.Blind(in.New.Name); err != nil {
		if dumpPath == "" || len(newMigs) > 0 {
			return nil, err
		}
		res.Notes = append(res.Notes, err.Error()+"; read the change from "+dumpPath+" instead")
	}
	for _, d := range newSide.loaded.Missing {
		res.Notes = append(res.Notes, fmt.Sprintf("migrations: %s (schemagate.yaml) does not exist in %s", d, in.New.Name))
	}
	for _, d := range newSide.loaded.Dirs {
		if d.PostDeploy && d.Found != migrations.FoundConfigured {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: post-deployment migrations by convention (run after the new release is deployed: gate --post-deploy); checked against the new release", d.Path))
		}
	}

	// References of every release that may still run, and of the new one:
	// not in migrations or schema dumps.
	skip := append(slices.Clone(in.Exclude), DefaultDumps...)
	skip = append(skip, prevSide.loaded.Skip()...)
	skip = append(skip, newSide.loaded.Skip()...)
	if dumpPath != "" {
		skip = append(skip, dumpPath)
	}
	if dump != "" {
		skip = append(skip, dump)
	}
	skip = slices.Compact(slices.Sorted(slices.Values(skip)))
	// Every release's index at once: a Django project's cross-file pass
	// runs on one core per release.
	trees := append(slices.Clone(in.Previous), in.New)
	idxs := make([]*refs.Index, len(trees))
	errs := make([]error, len(trees))
	for i, t := range trees {
		wg.Go(func() { idxs[i], errs[i] = in.index(t, skip) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("indexing references of %s: %w", trees[i].Name, err)
		}
	}
	var releases []Release
	for i, t := range in.Previous {
		releases = append(releases, Release{Name: t.Name, Index: idxs[i]})
	}
	res.PreviousIndex = releases[0].Index
	newIdx := idxs[len(trees)-1]
	cmp := &compat{previous: releases, next: newIdx, catalog: cat}

	// Pre-deploy migrations run while the previous releases serve; a
	// post-deployment phase (db/post_migrate, or configured) runs after
	// the new release is out, so only the new release's references count
	// for it.
	var pre, post []*migration.Migration
	for _, m := range diff.Pending {
		res.Files[m.Path] = m.File
		if m.PostDeploy {
			post = append(post, m)
		} else {
			pre = append(pre, m)
		}
	}
	units := append(append([]*migration.Migration{}, pre...), post...)
	res.Findings = lint.Run(pre, lint.Options{Config: cfg, Compat: cmp, Catalog: cat})
	if len(post) > 0 {
		after := &compat{previous: []Release{{Name: "new release", Index: newIdx}}, next: newIdx, catalog: cat}
		res.Findings = append(res.Findings, lint.Run(post, lint.Options{Config: cfg, Compat: after, Catalog: cat})...)
		res.Notes = append(res.Notes, fmt.Sprintf("%d post-deployment migration(s) checked against the new release, which is the one running when they run", len(post)))
	}
	// Framework migrations come with the schema file the framework
	// regenerates: the two must agree, or one of them is wrong.
	if dump != "" && migrations.IsFile(prev.FS, dump) && hasFramework(units) {
		crossCheck(cat, in.New, dump, cfg, res)
	}

	if dumpPath != "" && len(units) == 0 {
		fs, notes, err := dumpDiff(in, prev, dumpPath, cfg, cmp, res)
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, fs...)
		res.Notes = append(res.Notes, notes...)
	}

	modifiedFindings(diff.Modified, prevMigs, prev.Name, res)
	for _, e := range diff.Deleted {
		res.Findings = append(res.Findings, releaseFinding(rules.ReleasedMigrationDeleted, e.Path, source.Span{},
			fmt.Sprintf("migration %s, deployed with %s, was deleted: deleting the file does not undo it", path.Base(e.Path), prev.Name),
			"restore the file; undo its effect with a new migration if that is the intent", prev.Name))
	}
	applySeverities(res.Findings, cfg)
	lint.Sort(res.Findings)

	names := make([]string, len(in.Previous))
	for i, t := range in.Previous {
		names[i] = t.Name
	}
	res.Notes = append([]string{fmt.Sprintf("%d pending migration(s) checked against the running release %s", len(diff.Pending), strings.Join(names, ", ")), newSide.loaded.Summary()}, res.Notes...)
	return res, nil
}

func releaseFinding(r *rules.Rule, file string, span source.Span, msg, hint, release string) rules.Finding {
	f := r.At(file, span, msg)
	f.Hint, f.Release = hint, release
	return f
}

func applySeverities(fs []rules.Finding, cfg *config.Config) {
	for i := range fs {
		if s, ok := cfg.Severity(fs[i].Rule); ok {
			fs[i].Severity = s
		}
	}
}

// side is one release's migrations, in apply order, framework ones
// translated.
type side struct {
	migrations []*migration.Migration
	loaded     *migrations.Result
}

// readSide reads the migrations of a tree. Files that cannot be read are
// problems of the new release (res), ignored for the previous one.
func readSide(t Tree, cfg migrations.Config, res *Result) (*side, error) {
	loaded, err := migrations.Load(t.FS, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w in %s", err, t.Name)
	}
	if res != nil {
		for _, s := range loaded.Skipped {
			switch {
			case migration.Unreadable(s.Reason):
				res.Problems = append(res.Problems, migrations.ReadError{Path: s.Path, Err: s.Reason})
			case strings.HasSuffix(s.Reason, safefs.SkipSuffix): // a FIFO, socket or device, never opened
				res.Notes = append(res.Notes, "warning: "+s.Path+": "+s.Reason)
			}
		}
	}
	return &side{migrations: loaded.Migrations, loaded: loaded}, nil
}

// frameworkDump is the schema file a framework project commits beside
// its migrations, which is the deployed schema even when old migrations
// were squashed away.
func frameworkDump(fsys fs.FS, dirs []migrations.Dir) string {
	for _, d := range dirs {
		for _, p := range d.Format.Tool().SchemaFiles {
			if p = path.Join(d.Path, p); migrations.IsFile(fsys, p) {
				return p
			}
		}
	}
	return ""
}

// joinRoot joins p to the config's directory in the tree.
func joinRoot(root, p string) string {
	if root == "" || root == "." {
		return p
	}
	return path.Join(root, p)
}

// previousCatalog is the schema the deployed release runs on: its schema
// file (pg_dump or Rails' schema.rb) when there is one, else its
// migrations replayed.
func previousCatalog(prev Tree, sd *side, dump string, cfg *config.Config) (*catalog.Catalog, error) {
	pgVersion := cfg.PGVersion
	if dump != "" && migrations.IsFile(prev.FS, dump) {
		text, err := safefs.ReadFile(prev.FS, dump, dumpLimit(cfg))
		if err != nil {
			return nil, fmt.Errorf("reading %s at %s: %w", dump, prev.Name, err)
		}
		f := source.NewFile(dump, text)
		var cat *catalog.Catalog
		if strings.HasSuffix(dump, ".rb") {
			cat, _ = rails.ReadSchemaRB(f)
		} else {
			cat, _ = catalog.FromDump(f, pgVersion)
		}
		cat.Order = 0
		cat.Boundary = 1
		return cat, nil
	}
	cat := catalog.New()
	cat.Order = catalog.Baseline
	for _, m := range sd.migrations {
		m.Prepare(pgVersion)
		cat.Order++
		cat.ApplyAll(m.Ops, m.Path)
		if !m.Framework {
			m.Ops = nil // in the catalog now; Prepare makes them again if asked
		}
	}
	cat.Boundary = cat.Order + 1
	return cat, nil
}

func hasFramework(units []*migration.Migration) bool {
	for _, u := range units {
		if u.Framework {
			return true
		}
	}
	return false
}

// SnapshotTree presents a release snapshot to check: its files at their
// paths, and its reference index.
func SnapshotTree(s *snapshot.Snapshot) Tree {
	return Tree{Name: s.Name(), FS: s.FS(), Index: s.References}
}
