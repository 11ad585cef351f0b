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
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/refs"
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
	Problems []lint.Problem
	// Previous are the first previous release's migrations in apply
	// order, parsed, and PreviousIndex its reference index: verify
	// replays the one and prepares the queries of the other.
	Previous      []*migrations.Migration
	PreviousIndex *refs.Index
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
	res := &Result{Files: map[string]*source.File{}}
	prev := in.Previous[0]
	mopt := migrations.Options{Format: in.Format, MaxFileSize: cfg.MaxFileSize}
	var prevMigs, newMigs []*migrations.Migration
	for _, d := range dirs {
		pm, err := discover(prev.FS, d.Dir, mopt, nil)
		if err != nil {
			return nil, fmt.Errorf("%s at %s: %w", d.Dir, prev.Name, err)
		}
		nm, err := discover(in.New.FS, d.Dir, mopt, res)
		if err != nil {
			return nil, fmt.Errorf("%s in %s: %w", d.Dir, in.New.Name, err)
		}
		prevMigs = append(prevMigs, pm...)
		newMigs = append(newMigs, nm...)
	}
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

	// The schema the deployed release runs on: its migrations replayed,
	// or its schema dump when the migrations are not SQL.
	cat, err := previousCatalog(prev, prevMigs, in.SchemaDump, cfg.PGVersion)
	if err != nil {
		return nil, err
	}

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

	var units []*lint.Unit
	for _, m := range diff.Pending {
		units = append(units, &lint.Unit{Migration: m})
		res.Files[m.Path] = m.File
	}
	res.Findings = lint.Run(units, lint.Options{Config: cfg, Compat: cmp, Catalog: cat})

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
	return rules.Finding{Rule: r.Name, Severity: r.Severity, Category: r.Category, File: file, Span: span, Message: msg, Hint: hint, Release: release}
}

func applySeverities(fs []rules.Finding, cfg *config.Config) {
	for i := range fs {
		if s, ok := cfg.Severity(fs[i].Rule); ok {
			fs[i].Severity = s
		}
	}
}

// discover reads one migration directory of a tree; a directory the tree
// does not have gives no migrations. Files that cannot be read are
// problems of the new release (res), ignored for the previous one.
func discover(fsys fs.FS, dir string, opt migrations.Options, res *Result) ([]*migrations.Migration, error) {
	if !isDir(fsys, dir) {
		return nil, nil
	}
	set, err := migrations.Discover(fsys, dir, opt)
	if err != nil {
		return nil, err
	}
	if res != nil {
		for _, s := range set.Skipped {
			if strings.Contains(s.Reason, "binary") || strings.Contains(s.Reason, "UTF-") || strings.Contains(s.Reason, "larger than") || strings.Contains(s.Reason, "cannot read") {
				res.Problems = append(res.Problems, lint.Problem{Path: path.Join(dir, s.Path), Err: s.Reason})
			}
		}
	}
	for _, m := range set.Migrations {
		p := path.Join(dir, m.Path)
		if strings.HasPrefix(m.Path, dir+"/") {
			p = m.Path
		}
		m.Path = p
		m.File.Path = p
	}
	return set.Migrations, nil
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
// dump when the project names one (it is what the database has, even
// when old migrations were squashed away), else its migrations replayed.
func previousCatalog(prev Tree, prevMigs []*migrations.Migration, dump string, pgVersion int) (*catalog.Catalog, error) {
	if dump != "" && exists(prev.FS, dump) {
		text, err := fs.ReadFile(prev.FS, dump)
		if err != nil {
			return nil, fmt.Errorf("reading %s at %s: %w", dump, prev.Name, err)
		}
		cat, _ := catalog.FromDump(source.NewFile(dump, text), pgVersion)
		cat.Order = 0
		cat.Boundary = 1
		return cat, nil
	}
	cat := catalog.New()
	cat.Order = catalog.Baseline
	for _, m := range prevMigs {
		m.Parse()
		list := opsOf(m, pgVersion)
		cat.Order++
		cat.ApplyAll(list, m.Path)
	}
	cat.Boundary = cat.Order + 1
	return cat, nil
}
