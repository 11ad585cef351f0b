// Package check decides whether the pending migrations are safe to apply
// while the releases that may still serve traffic keep running: it finds
// the pending set, rebuilds the schema the deployed release runs on, and
// lints the pending migrations with the references of every release.
package check

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/frameworks"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/load"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Tree is one release's files.
type Tree struct {
	Name string // "abc1234", "working tree"
	FS   fs.FS
	// Index, when set, is the release's reference index (from a release
	// snapshot); otherwise Input.Index builds it from FS.
	Index *refs.Index
}

// index returns the tree's reference index.
func (in Input) index(t Tree) (*refs.Index, error) {
	if t.Index != nil {
		return t.Index, nil
	}
	if in.Index == nil {
		return nil, fmt.Errorf("no reference index for %s", t.Name)
	}
	return in.Index(t)
}

// Input is what check needs.
type Input struct {
	Config *config.Config
	// Previous are the releases that may still run; the first decides
	// which migrations are pending.
	Previous []Tree
	// New is the release being deployed.
	New Tree
	// Dirs are the migration directories, relative to the tree roots.
	Dirs []config.MigrationDir
	// Format forces a migration format.
	Format migrations.Format
	// Index builds the reference index of a tree.
	Index func(Tree) (*refs.Index, error)
	// SchemaDump is the path of a pg_dump --schema-only file in the trees
	// ("" to look for db/structure.sql and friends).
	SchemaDump string
	// Session, when set, keeps the previous release's migrations and
	// schema between runs (the language server checks on every save).
	Session *Session
	// Applied, when set, says which of the new release's migrations (all
	// of them, in apply order) the database has run, from its history
	// table (--pending-from): pending are the others, instead of those
	// the previous release's files lack.
	Applied func(ms []*migrations.Migration) ([]bool, error)
}

// Result is check's verdict.
type Result struct {
	Findings []rules.Finding
	Files    map[string]*source.File
	Notes    []string
	Pending  []*migrations.Migration
	// Problems are files that could not be read; they make the run
	// exit 2 after the report.
	Problems []load.Problem
	// Previous are the first previous release's migrations in apply
	// order, parsed, and PreviousIndex its reference index: verify
	// replays the one and prepares the queries of the other.
	Previous      []*migrations.Migration
	PreviousIndex *refs.Index
	// Translations are the framework translations of the migrations in
	// Previous and Pending (and the new release's others), keyed by
	// migration: verify runs their SQL.
	Translations map[*migrations.Migration]migrations.Translation
}

// DefaultDirs are the migration directories looked for when none are
// configured.
var DefaultDirs = []string{"db/migrations", "db/migrate", "migrations", "prisma/migrations", "sql/migrations", "db/post_migrate"}

// DefaultDumps are the schema dumps looked for when none is configured.
var DefaultDumps = []string{"db/structure.sql", "db/schema.sql", "schema.sql", "structure.sql"}

// Run checks the pending migrations.
func Run(in Input) (*Result, error) {
	if len(in.Previous) == 0 {
		return nil, errors.New("check needs the previous release (--previous REV)")
	}
	cfg := in.Config
	if cfg == nil {
		cfg = config.Default()
	}
	dirs := in.Dirs
	if len(dirs) == 0 {
		for _, d := range DefaultDirs {
			if isDir(in.New.FS, d) || isDir(in.Previous[0].FS, d) {
				dirs = append(dirs, config.MigrationDir{Dir: d})
			}
		}
	}
	if len(dirs) == 0 && frameworks.Detect(in.New.FS, ".", in.Format) != nil {
		// Django keeps migrations per app (<app>/migrations), Alembic
		// where alembic.ini says: the project root is the directory.
		dirs = append(dirs, config.MigrationDir{Dir: "."})
	}
	res := &Result{Files: map[string]*source.File{}}
	prev := in.Previous[0]
	mopt := migrations.Options{Format: in.Format, MaxFileSize: cfg.MaxFileSize}
	sessionKey := fmt.Sprint(prev.Name, "\x00", dirs, "\x00", in.Format, "\x00", in.SchemaDump, "\x00", cfg.PGVersion, "\x00", cfg.MaxFileSize)
	prevSide, cached := in.Session.side(sessionKey)
	if !cached {
		var err error
		if prevSide, err = readSide(prev, dirs, mopt, cfg.PGVersion, nil); err != nil {
			return nil, err
		}
	}
	newSide, err := readSide(in.New, dirs, mopt, cfg.PGVersion, res)
	if err != nil {
		return nil, err
	}
	prevMigs, newMigs := prevSide.migrations, newSide.migrations
	diff := Compare(Entries(prevMigs), newMigs)
	if in.Applied != nil {
		ran, err := in.Applied(newMigs)
		if err != nil {
			return nil, err
		}
		var pending []*migrations.Migration
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
	res.Translations = map[*migrations.Migration]migrations.Translation{}
	maps.Copy(res.Translations, prevSide.translations)
	maps.Copy(res.Translations, newSide.translations)

	// The schema the deployed release runs on: its schema file (the one
	// configured, or a Rails project's) or its migrations replayed.
	dump := in.SchemaDump
	if dump == "" {
		dump = frameworkDump(prev.FS, prevSide.formats)
	}
	cat, ok := in.Session.catalog(sessionKey)
	if !ok {
		if cat, err = previousCatalog(prev, prevSide, dump, cfg.PGVersion); err != nil {
			return nil, err
		}
		in.Session.keep(sessionKey, prevSide, cat)
	}

	// Migrations in a language schemagate does not read (Knex, Ecto, ...)
	// but a committed pg_dump: the change is the dump's diff.
	dumpPath := in.SchemaDump
	if dumpPath == "" && len(newMigs) == 0 && len(prevMigs) == 0 {
		for _, d := range DefaultDumps {
			if exists(in.New.FS, d) || exists(prev.FS, d) {
				dumpPath = d
				break
			}
		}
	}

	// References of every release that may still run, and of the new one.
	var releases []Release
	for _, t := range in.Previous {
		idx, err := in.index(t)
		if err != nil {
			return nil, fmt.Errorf("indexing references of %s: %w", t.Name, err)
		}
		releases = append(releases, Release{Name: t.Name, Index: idx})
	}
	res.PreviousIndex = releases[0].Index
	newIdx, err := in.index(in.New)
	if err != nil {
		return nil, fmt.Errorf("indexing references of %s: %w", in.New.Name, err)
	}
	cmp := &compat{previous: releases, next: newIdx, catalog: cat}

	// Pre-deploy migrations run while the previous releases serve; a
	// post-deployment phase (configured) runs after the new release is
	// out, so only the new release's references count for it.
	var pre, post []*lint.Unit
	for _, m := range diff.Pending {
		u := newSide.unit(m)
		res.Files[m.Path] = m.File
		if newSide.postDeploy[m] {
			post = append(post, u)
		} else {
			pre = append(pre, u)
		}
	}
	units := append(append([]*lint.Unit{}, pre...), post...)
	res.Findings = lint.Run(pre, lint.Options{Config: cfg, Compat: cmp, Catalog: cat})
	if len(post) > 0 {
		after := &compat{previous: []Release{{Name: "new release", Index: newIdx}}, next: newIdx, catalog: cat}
		res.Findings = append(res.Findings, lint.Run(post, lint.Options{Config: cfg, Compat: after, Catalog: cat})...)
		res.Notes = append(res.Notes, fmt.Sprintf("%d post-deployment migration(s) checked against the new release, which is the one running when they run", len(post)))
	}
	// Framework migrations come with the schema file the framework
	// regenerates: the two must agree, or one of them is wrong.
	if dump != "" && exists(prev.FS, dump) && hasFramework(units) {
		crossCheck(cat, in.New, dump, cfg.PGVersion, res)
	}

	if dumpPath != "" && len(units) == 0 {
		fs, notes, err := dumpDiff(in, prev, dumpPath, cfg, cmp, res)
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, fs...)
		res.Notes = append(res.Notes, notes...)
	}

	for _, m := range diff.Modified {
		res.Files[m.Path] = m.File
		res.Findings = append(res.Findings, releaseFinding(rules.ReleasedMigrationModified, m.Path, m.File.Span(0, 0),
			fmt.Sprintf("migration %s was edited after %s was deployed with it: it has already run there and will not run again", path.Base(m.Path), prev.Name),
			"revert the edit and put the change in a new migration", prev.Name))
	}
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
	res.Notes = append([]string{fmt.Sprintf("%d pending migration(s) checked against the running release %s", len(diff.Pending), strings.Join(names, ", "))}, res.Notes...)
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

// side is one release's migrations, in apply order, with the framework
// translations and the post-deployment ones.
type side struct {
	migrations   []*migrations.Migration
	units        map[*migrations.Migration]*lint.Unit
	translations map[*migrations.Migration]migrations.Translation
	postDeploy   map[*migrations.Migration]bool
	formats      map[migrations.Format]bool
}

// unit returns the lint unit of a migration: its translation, or the SQL
// to parse.
func (s *side) unit(m *migrations.Migration) *lint.Unit {
	if u := s.units[m]; u != nil {
		return u
	}
	return &lint.Unit{Migration: m}
}

// readSide reads the migration directories of a tree. Framework
// migrations are translated, all of a framework's directories together.
// Files that cannot be read are problems of the new release (res),
// ignored for the previous one.
func readSide(t Tree, dirs []config.MigrationDir, opt migrations.Options, pgVersion int, res *Result) (*side, error) {
	sd := &side{units: map[*migrations.Migration]*lint.Unit{}, translations: map[*migrations.Migration]migrations.Translation{}, postDeploy: map[*migrations.Migration]bool{}, formats: map[migrations.Format]bool{}}
	var sets []*frameworks.Set
	var setDirs []config.MigrationDir
	for _, d := range dirs {
		if !isDir(t.FS, d.Dir) {
			continue
		}
		dopt := opt
		dopt.Format = d.ReadFormat(opt.Format)
		set, err := frameworks.Find(t.FS, d.Dir, dopt)
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", d.Dir, t.Name, err)
		}
		if res != nil {
			for _, s := range set.Skipped {
				p := s.Path // already under d.Dir, as migration paths are
				if !strings.HasPrefix(p, d.Dir+"/") && d.Dir != "." {
					p = path.Join(d.Dir, p)
				}
				switch {
				case load.Unreadable(s.Reason):
					res.Problems = append(res.Problems, load.Problem{Path: p, Err: s.Reason})
				case strings.HasSuffix(s.Reason, safefs.SkipSuffix): // a FIFO, socket or device, never opened
					res.Notes = append(res.Notes, "warning: "+p+": "+s.Reason)
				}
			}
		}
		for _, m := range set.Migrations {
			p := path.Join(d.Dir, m.Path)
			if strings.HasPrefix(m.Path, d.Dir+"/") || d.Dir == "." {
				p = m.Path
			}
			m.Path, m.File.Path = p, p
		}
		sets = append(sets, set)
		setDirs = append(setDirs, d)
	}
	frameworks.Translate(sets, pgVersion, nil)
	for i, set := range sets {
		sd.formats[set.Format] = true
		for j, m := range set.Migrations {
			sd.migrations = append(sd.migrations, m)
			if set.Translations != nil && m.Format.IsFramework() {
				sd.units[m] = lint.FromTranslation(set.Translations[j])
				sd.translations[m] = set.Translations[j]
			}
			// Only a directory the config says runs after the deploy is a
			// separate phase; otherwise db:migrate runs it with the rest.
			if setDirs[i].PostDeploy {
				sd.postDeploy[m] = true
			}
		}
	}
	return sd, nil
}

// frameworkDump is the schema file a framework project commits, which
// is the deployed schema even when old migrations were squashed away.
func frameworkDump(fsys fs.FS, formats map[migrations.Format]bool) string {
	if formats[migrations.FormatRails] {
		for _, p := range []string{"db/structure.sql", "db/schema.rb"} {
			if exists(fsys, p) {
				return p
			}
		}
	}
	return ""
}

func isDir(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && st.IsDir()
}

func exists(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && !st.IsDir()
}

// previousCatalog is the schema the deployed release runs on: its schema
// file (pg_dump or Rails' schema.rb) when there is one, else its
// migrations replayed.
func previousCatalog(prev Tree, sd *side, dump string, pgVersion int) (*catalog.Catalog, error) {
	if dump != "" && exists(prev.FS, dump) {
		text, err := fs.ReadFile(prev.FS, dump)
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
		u := sd.unit(m)
		lint.Prepare(u, pgVersion)
		cat.Order++
		cat.ApplyAll(u.Ops, m.Path)
	}
	cat.Boundary = cat.Order + 1
	return cat, nil
}

func hasFramework(units []*lint.Unit) bool {
	for _, u := range units {
		if u.Framework {
			return true
		}
	}
	return false
}
