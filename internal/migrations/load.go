// Package migrations is the one way in to a project's migrations, for
// every command: it finds the migration directories of a tree at any
// depth, reads each in its format (SQL tools' layouts, or Rails, Django
// and Alembic code, which it translates), orders them and hands back one
// migration.Migration per migration, with its operations, notes and SQL.
package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs/scan"
)

// DefaultDumps are the schema dumps (pg_dump --schema-only files) looked
// for when none is configured.
var DefaultDumps = []string{"db/structure.sql", "db/schema.sql", "schema.sql", "structure.sql"}

// Config says where a tree's migrations are and how to read them.
type Config struct {
	// Dirs are the configured migration directories, relative to the
	// tree's root; none: discovery below Root.
	Dirs []config.MigrationDir
	// Root is where discovery starts (the config file's directory in the
	// tree); "" is the tree's root.
	Root string
	// Exclude are path globs (scan.Match, from the tree's root) that are
	// never read: not walked, not linted.
	Exclude     []string
	Format      migration.Format // forced (FormatAuto: per directory)
	IncludeDown bool
	MaxFileSize int64
	PGVersion   int
	// Base is the schema before the first migration (a schema dump), for
	// translators that resolve names against it.
	Base *catalog.Catalog
	// Memo, when set, translates a framework's migrations once for every
	// tree that shares them (both releases of a check).
	Memo *Memo
	// After, when set with Memo, holds back the translation of the
	// frameworks whose migrations Memo shares by prefix (Rails, Alembic)
	// until it is closed: check reads both releases at once, and the
	// deployed one's migrations, a prefix of the new one's, take the new
	// one's translations instead of translating them again.
	After <-chan struct{}
	// Store, when set, keeps what was read between runs: a tree read
	// before, whose files did not change, is not read and translated
	// again. Not used with Base.
	Store Store
}

// Dir is one migration directory that was read.
type Dir struct {
	Path       string           `json:"dir"`
	Format     migration.Format `json:"format"`
	Count      int              `json:"count"` // migrations read from it
	Found      string           `json:"found"` // FoundConfigured, or what discovery saw
	PostDeploy bool             `json:"post_deploy,omitempty"`
}

// Result is a tree's migrations and what reading them saw.
type Result struct {
	// Migrations are every migration, in apply order directory by
	// directory, framework ones translated.
	Migrations []*migration.Migration
	Dirs       []Dir
	// Skipped are files that looked like migrations but were not used,
	// with paths from the tree's root.
	Skipped []migration.Skipped
	// Rejected are directories discovery considered and did not read
	// (for -v); Unread are directories that look like migrations but gave
	// nothing schemagate can read.
	Rejected []Candidate
	Unread   []Candidate
	// Missing are configured directories the tree lacks.
	Missing []string
	// Root is where discovery searched ("" when the config named the
	// directories).
	Root string
}

// Load finds and reads the migrations of a tree: the configured
// directories, or those discovery finds below cfg.Root. Framework
// migrations are translated, all of a framework's directories together.
// The error is for a directory that cannot be read at all.
func Load(fsys fs.FS, cfg Config) (*Result, error) {
	if cfg.Store != nil && cfg.Base == nil {
		return loadStored(fsys, cfg)
	}
	return load(fsys, cfg)
}

func load(fsys fs.FS, cfg Config) (*Result, error) {
	res := &Result{}
	var want []foundDir
	if len(cfg.Dirs) > 0 {
		for _, d := range cfg.Dirs {
			if !IsDir(fsys, d.Dir) {
				res.Missing = append(res.Missing, d.Dir)
				continue
			}
			f := foundDir{dir: path.Clean(d.Dir), how: FoundConfigured, postDeploy: d.PostDeploy}
			f.format = d.ReadFormat(cfg.Format)
			want = append(want, f)
		}
	} else {
		res.Root = path.Clean(cmpOr(cfg.Root, "."))
		disc := discover(fsys, res.Root, cfg.Exclude)
		res.Rejected, res.Unread = disc.rejected, disc.unread
		for _, f := range disc.found {
			if !forcedFits(cfg.Format, f) {
				res.Rejected = append(res.Rejected, Candidate{f.dir, "not " + cfg.Format.String() + " (--migration-format)"})
				continue
			}
			f.format = cfg.Format
			if f.framework != nil {
				f.format = f.framework.Format()
			}
			want = append(want, f)
		}
	}
	var sets []*dirSet
	for _, f := range want {
		set, err := f.read(fsys, migration.Options{Format: f.format, IncludeDown: cfg.IncludeDown, MaxFileSize: cfg.MaxFileSize}, cfg.Memo)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.dir, err)
		}
		set.postDeploy = f.postDeploy
		for _, s := range set.Skipped {
			res.Skipped = append(res.Skipped, migration.Skipped{Path: under(f.dir, s.Path), Reason: s.Reason})
		}
		kept := set.Migrations[:0]
		for _, m := range set.Migrations {
			p := under(f.dir, m.Path)
			m.Path, m.File.Path = p, p
			if !excluded(cfg.Exclude, p) {
				kept = append(kept, m)
			}
		}
		set.Migrations = kept
		if len(set.Migrations) == 0 && len(set.Skipped) == 0 && f.how == FoundConfigured && hasFiles(fsys, f.dir) {
			res.Unread = append(res.Unread, Candidate{f.dir, "configured, but none of its files is a " + set.Format.String() + " migration"})
		}
		sets = append(sets, set)
		res.Dirs = append(res.Dirs, Dir{Path: f.dir, Format: set.Format, Count: len(set.Migrations), Found: f.how, PostDeploy: f.postDeploy})
	}
	cfg.Memo.translate(sets, migration.TranslateOptions{PGVersion: cfg.PGVersion, Catalog: cfg.Base}, cfg.After)
	for _, set := range sets {
		for _, m := range set.Migrations {
			// A post-deployment directory makes every migration in it one;
			// a translator may say so of a single migration too.
			m.PostDeploy = m.PostDeploy || set.postDeploy
		}
		res.Migrations = append(res.Migrations, set.Migrations...)
	}
	return res, nil
}

// Find returns the directories that hold migrations below root, as
// discovery finds them, without reading them: a SQL directory's format is
// FormatAuto, and a Django project is each app's migrations directory.
func Find(fsys fs.FS, root string, exclude []string) []Dir {
	disc := discover(fsys, path.Clean(cmpOr(root, ".")), exclude)
	var out []Dir
	for _, f := range disc.found {
		d := Dir{Path: f.dir, Found: f.how, PostDeploy: f.postDeploy}
		if f.framework != nil {
			d.Format = f.framework.Format()
		}
		if d.Format == migration.FormatDjango {
			continue
		}
		out = append(out, d)
	}
	for _, dir := range disc.django {
		out = append(out, Dir{Path: dir, Format: migration.FormatDjango, Found: FoundDiscovered + ": Django app migrations"})
	}
	return out
}

// forcedFits reports whether a discovered directory can be read in the
// forced format: a framework's own directories, or SQL directories for a
// SQL format.
func forcedFits(forced migration.Format, f foundDir) bool {
	switch {
	case forced == migration.FormatAuto:
		return true
	case f.framework != nil:
		return f.framework.Format() == forced
	}
	return !forced.IsFramework()
}

// Blind returns the error of a run that would check nothing it should:
// no migrations at all, or a directory that looks like migrations and
// gave nothing. where names the tree ("the working tree", a revision).
// It names what was searched and the schemagate.yaml line that fixes it.
func (r *Result) Blind(where string) error {
	if len(r.Unread) > 0 {
		var parts []string
		for _, u := range r.Unread {
			parts = append(parts, u.Dir+" ("+u.Reason+")")
		}
		first := r.Unread[0].Dir
		return fmt.Errorf("%s of %s looks like migrations but schemagate read nothing from it: if schemagate reads its format, %s; if it is not migrations, add exclude: [%s/**]",
			strings.Join(parts, "; "), where, fmt.Sprintf(FixHint, first, "FORMAT"), first)
	}
	if len(r.Migrations) > 0 || len(r.Skipped) > 0 {
		return nil
	}
	if r.Root == "" {
		var dirs []string
		for _, d := range r.Dirs {
			dirs = append(dirs, d.Path)
		}
		dirs = append(dirs, r.Missing...)
		return fmt.Errorf("no migrations found in %s: the configured directories (%s) hold none; fix migrations: in schemagate.yaml", where, strings.Join(dirs, ", "))
	}
	in := where
	if r.Root != "." {
		in = r.Root + " of " + where
	}
	return fmt.Errorf("no migrations found in %s: searched %s; if they are elsewhere or in another format, %s",
		in, Searched, fmt.Sprintf(FixHint, "path/to/migrations", "goose"))
}

// Skip are path globs of everything the migrations are in, which holds
// no references of the application: each directory, or for Django,
// whose directory may be a project or an app with its models beside its
// migrations (a configured dir: the package holding models.py), the
// directories of its files.
func (r *Result) Skip() []string {
	var out []string
	add := func(dir string) {
		for _, p := range out {
			if strings.HasPrefix(dir+"/", strings.TrimSuffix(p, "**")) {
				return // inside a directory skipped already
			}
		}
		out = append(out, dir+"/**")
	}
	for _, d := range r.Dirs {
		if d.Path != "." && d.Format != migration.FormatDjango {
			add(d.Path)
		}
	}
	for _, m := range r.Migrations {
		if dir := path.Dir(m.Path); dir != "." {
			add(dir)
		}
	}
	return out
}

// Summary is the one line a run prints about what it read.
func (r *Result) Summary() string {
	if len(r.Dirs) == 0 {
		return "migrations: none read"
	}
	var parts []string
	for _, d := range r.Dirs {
		s := fmt.Sprintf("%s (%s, %d", d.Path, d.Format, d.Count)
		if d.PostDeploy {
			s += ", post-deploy"
		}
		if d.Found != FoundConfigured {
			s += ", discovered"
		}
		parts = append(parts, s+")")
	}
	return "migrations: " + strings.Join(parts, ", ")
}

// under joins a path found in dir to dir, unless the reader already gave
// it from the root (frameworks do).
func under(dir, p string) string {
	if dir == "." || strings.HasPrefix(p, dir+"/") {
		return p
	}
	return path.Join(dir, p)
}

func excluded(patterns []string, p string) bool {
	for _, pat := range patterns {
		if scan.Match(pat, p, false) {
			return true
		}
	}
	return false
}

// hasFiles reports whether dir holds a file other than a placeholder.
func hasFiles(fsys fs.FS, dir string) bool {
	entries, _ := fs.ReadDir(fsys, dir)
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}

// IsDir reports whether p is a directory of fsys.
func IsDir(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && st.IsDir()
}

// IsFile reports whether p is a file (not a directory) of fsys.
func IsFile(fsys fs.FS, p string) bool {
	st, err := fs.Stat(fsys, p)
	return err == nil && !st.IsDir()
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
