package snapshot

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// Options say what Build takes from a tree. The paths are the ones check
// gets: relative to the tree's root, with the config's directory
// (Prefix) already joined.
type Options struct {
	Revision string // required: the release's name (see Snapshot.Revision)
	Commit   string // git commit id, when known
	TreeID   string // git tree id, when known
	Version  string // schemagate's version

	Config     *config.Config        // nil: defaults
	ConfigFile string                // the config file's path in the tree
	Prefix     string                // the config file's directory in the tree
	Dirs       []config.MigrationDir // configured; none: discovered below Prefix
	Exclude    []string              // path globs never read
	Format     migration.Format
	SchemaDump string

	// Index is the release's reference index, built the way check builds
	// it (nil: an empty index).
	Index *refs.Index
}

// frameworkFiles are files framework migrations and schema-dump checks
// read besides the migration directories.
var frameworkFiles = []string{"db/schema.rb", "alembic.ini"}

// skipDirs are never walked: they hold other projects' files.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

// Build takes the snapshot of one release's tree.
func Build(fsys fs.FS, opt Options) (*Snapshot, error) {
	if err := CheckRevision(opt.Revision); err != nil {
		return nil, err
	}
	cfg := opt.Config
	if cfg == nil {
		cfg = config.Default()
	}
	maxSize := migration.Limit(cfg.MaxFileSize)
	s := &Snapshot{
		Format: Format, MinFormat: MinReadFormat, SchemagateVersion: opt.Version,
		Revision: opt.Revision, Commit: opt.Commit, TreeID: opt.TreeID,
		Config: snapshotConfig(cfg, opt), Migrations: []Migration{}, Files: []File{},
		References: opt.Index,
	}
	if s.References == nil {
		s.References = refs.NewIndex(nil)
	}

	// The migrations, found exactly as check finds them; every file that
	// finding them read is kept, so that check finds them again in the
	// snapshot.
	rec := &recordFS{FS: fsys, read: map[string]bool{}}
	loaded, err := migrations.Load(rec, migrations.Config{Dirs: opt.Dirs, Root: opt.Prefix, Exclude: opt.Exclude, Format: opt.Format, MaxFileSize: maxSize, PGVersion: cfg.PGVersion})
	if err != nil {
		return nil, err
	}
	s.Read = loaded
	// A migration linked out of the tree is neither read nor stored, and
	// a snapshot without it would not read like its tree.
	for _, sk := range loaded.Skipped {
		if _, err := fs.Stat(fsys, sk.Path); errors.Is(err, safefs.ErrOutside) {
			return nil, fmt.Errorf("%s: %w", sk.Path, errors.Unwrap(err))
		}
	}
	var migs []*migration.Migration
	isMigration := map[string]bool{}
	for _, m := range loaded.Migrations {
		// Framework migrations are code: kept as files, their schema is
		// the dump's.
		if m.Down || m.Framework || isMigration[m.Path] {
			continue
		}
		isMigration[m.Path] = true
		migs = append(migs, m)
		s.Migrations = append(s.Migrations, Migration{
			Path: m.Path, Format: string(m.Format), Version: m.Version,
			Checksum: migration.Checksum(m.File.Text), Transactional: m.Transactional,
			Repeatable: m.Repeatable, Text: string(m.File.Text),
		})
	}

	// Every other file check may read.
	wanted := wantedFiles(loaded, rec.read, opt)
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 || !d.Type().IsRegular() || isMigration[p] || !wanted(fsys, p) {
			return nil
		}
		f, err := readFile(fsys, p, maxSize)
		if err != nil {
			return err
		}
		s.Files = append(s.Files, f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the tree: %w", err)
	}
	slices.SortFunc(s.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })

	cat, err := replay(fsys, migs, cfg.PGVersion, opt)
	if err != nil {
		return nil, err
	}
	s.Catalog = cat
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("snapshot of %s: %w", opt.Revision, err)
	}
	return s, nil
}

// wantedFiles returns the test for "may check read this file": files
// reading the migrations read, files under a migration directory, schema
// dumps and framework files, Django app migrations, and Alembic versions
// next to their env.py.
func wantedFiles(loaded *migrations.Result, read map[string]bool, opt Options) func(fs.FS, string) bool {
	under := map[string]bool{}
	named := map[string]bool{}
	for _, d := range loaded.Dirs {
		if d.Path != "." {
			under[d.Path] = true
		}
	}
	for _, d := range append(slices.Clone(migrations.DefaultDumps), frameworkFiles...) {
		named[d] = true
		named[join(opt.Prefix, d)] = true
	}
	if opt.SchemaDump != "" {
		named[opt.SchemaDump] = true
	}
	return func(fsys fs.FS, p string) bool {
		if named[p] || read[p] {
			return true
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if under[d] || path.Base(d) == "migrations" {
				return true
			}
			if path.Base(d) == "versions" && migrations.IsFile(fsys, path.Join(path.Dir(d), "env.py")) {
				return true
			}
		}
		return false
	}
}

// recordFS notes every file read through it.
type recordFS struct {
	fs.FS
	mu   sync.Mutex
	read map[string]bool
}

func (r *recordFS) Open(name string) (fs.File, error) {
	f, err := r.FS.Open(name)
	if err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			r.mu.Lock()
			r.read[name] = true
			r.mu.Unlock()
		}
	}
	return f, err
}

// readFile stores one file: as text when it is UTF-8, else as bytes; a
// file larger than the limit only by its size, as migrations skips it.
func readFile(fsys fs.FS, p string, maxSize int64) (File, error) {
	data, err := safefs.ReadFile(fsys, p, maxSize)
	var tooLarge *safefs.TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return File{Path: p, Size: tooLarge.Size}, nil
	case err != nil:
		return File{}, err
	}
	if utf8.Valid(data) {
		text := string(data)
		return File{Path: p, Text: &text}, nil
	}
	return File{Path: p, Base64: data}, nil
}

// replay builds the catalog the release's migrations leave, as check
// does; a release whose migrations are not SQL gets the catalog of its
// schema dump.
func replay(fsys fs.FS, migs []*migration.Migration, pgVersion int, opt Options) (cat *catalog.Catalog, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the catalog of %s: internal error: %v", opt.Revision, r)
		}
	}()
	cat = catalog.New()
	cat.Order = catalog.Baseline
	for _, m := range migs {
		m.Parse()
		list := ops.FromStatements(m.Statements, ops.Options{Transactional: m.Transactional, PGVersion: pgVersion, File: m.File})
		cat.Order++
		cat.ApplyAll(list, m.Path)
		m.Statements, m.SyntaxErrors = nil, nil
	}
	if len(migs) > 0 {
		return cat, nil
	}
	dumps := migrations.DefaultDumps
	if opt.SchemaDump != "" {
		dumps = []string{opt.SchemaDump}
	}
	for _, d := range dumps {
		text, err := safefs.ReadFile(fsys, d, migration.DefaultMaxFileSize)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", d, err)
		}
		dumpCat, _ := catalog.FromDump(source.NewFile(d, text), pgVersion)
		return dumpCat, nil
	}
	return cat, nil
}

func snapshotConfig(cfg *config.Config, opt Options) Config {
	c := Config{
		File: opt.ConfigFile, Dir: opt.Prefix, PGVersion: cfg.PGVersion,
		MigrationFormat: string(opt.Format), SchemaDump: opt.SchemaDump,
		Migrations: []MigrationDir{}, Exclude: nonNil(cfg.Exclude),
		References:     References{Exclude: nonNil(cfg.References.Exclude), IncludeTests: cfg.References.IncludeTests},
		Rules:          map[string]string{},
		LockTimeoutSet: cfg.LockTimeoutSet, MaxFileSize: cfg.MaxFileSize,
	}
	for _, d := range opt.Dirs {
		c.Migrations = append(c.Migrations, MigrationDir{Dir: d.Dir, Format: d.Format, PostDeploy: d.PostDeploy})
	}
	for k, v := range cfg.Rules {
		c.Rules[k] = v
	}
	c.MaxFileSize = migration.Limit(c.MaxFileSize)
	return c
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return slices.Clone(xs)
}

func join(prefix, p string) string {
	if prefix == "" {
		return p
	}
	return path.Join(prefix, p)
}
