package migrations

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/alembic"
	"github.com/schemagate/schemagate/internal/migrations/code"
	"github.com/schemagate/schemagate/internal/migrations/django"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
)

// Frameworks returns the translators of migrations written as code, in
// the order they are tried: Rails, Django, Alembic, then migrations in Go,
// TypeScript and JavaScript.
func Frameworks() []migration.Framework {
	return append([]migration.Framework{rails.New(), django.New(), alembic.New()}, code.All()...)
}

// frameworkOf returns the framework of a format, or nil for SQL formats.
func frameworkOf(f migration.Format) migration.Framework {
	for _, fw := range Frameworks() {
		if fw.Format() == f {
			return fw
		}
	}
	return nil
}

// detectFramework returns the framework whose migrations dir holds, or
// nil. A forced SQL format means no framework.
func detectFramework(fsys fs.FS, dir string, forced migration.Format) migration.Framework {
	if forced != migration.FormatAuto {
		return frameworkOf(forced)
	}
	for _, fw := range Frameworks() {
		if fw.Detect(fsys, dir) {
			return fw
		}
	}
	return nil
}

// FrameworkOfFile is the format of a migration written as code (Rails,
// Django, Alembic, Go, TypeScript, JavaScript) that a file's name and text
// show, or FormatAuto when they show none (the editor asks it of every
// file of these languages).
func FrameworkOfFile(p string, text []byte) migration.Format {
	if fw := frameworkOfFile(p, text); fw != nil {
		return fw.Format()
	}
	return migration.FormatAuto
}

// frameworkOfFile guesses the framework of a single file from its name
// and text.
func frameworkOfFile(p string, text []byte) migration.Framework {
	switch path.Ext(p) {
	case ".rb":
		return rails.New()
	case ".py":
		s := string(text)
		switch {
		case strings.Contains(s, "migrations.Migration") || strings.Contains(s, "django.db"):
			return django.New()
		case strings.Contains(s, "alembic") || strings.Contains(s, "down_revision"):
			return alembic.New()
		}
	}
	return code.ForFile(p, text)
}

// dirSet is the migrations of one directory, in apply order, with the
// framework that translates them (nil for SQL formats).
type dirSet struct {
	*migration.Set
	framework migration.Framework
	dir       string // as configured or found, the prefix of every path
	// postDeploy marks a directory whose migrations run after the deploy.
	postDeploy bool
}

// readDir reads dir of fsys without translating: SQL migration formats
// through Discover, frameworks through their own discovery.
func readDir(fsys fs.FS, dir string, opt migration.Options, memo *Memo) (*dirSet, error) {
	fsys = &listedFS{FS: fsys}
	fw := memo.framework(detectFramework(fsys, dir, opt.Format))
	if fw == nil {
		set, err := Discover(fsys, dir, opt)
		if err != nil {
			return nil, err
		}
		return &dirSet{Set: set, dir: dir}, nil
	}
	opt.SQL = Discover
	set, err := fw.Discover(fsys, dir, opt)
	if err != nil {
		return nil, err
	}
	set.Format = fw.Format()
	return &dirSet{Set: set, framework: fw, dir: dir}, nil
}

// read reads a directory: in the framework or SQL format discovery saw,
// or, when configured, in the format its contents show.
func (f foundDir) read(fsys fs.FS, opt migration.Options, memo *Memo) (*dirSet, error) {
	switch {
	case f.how == FoundConfigured:
		return readDir(fsys, f.dir, opt, memo)
	case f.framework != nil:
		fw := memo.framework(f.framework)
		opt.SQL = Discover
		set, err := fw.Discover(fsys, f.dir, opt)
		if err != nil {
			return nil, err
		}
		set.Format = fw.Format()
		return &dirSet{Set: set, framework: fw, dir: f.dir}, nil
	}
	set, err := Discover(fsys, f.dir, opt)
	if err != nil {
		return nil, err
	}
	return &dirSet{Set: set, dir: f.dir}, nil
}

// translate translates the framework sets. Sets of one framework (Rails'
// db/migrate and db/post_migrate run in one version order) are translated
// together, so each migration sees the state every earlier one left. run,
// when set, stands in for the framework's Translate (a Memo).
func translate(sets []*dirSet, opt migration.TranslateOptions, run func(migration.Framework, []*migration.Migration, migration.TranslateOptions) []migration.Translation) {
	if run == nil {
		run = func(fw migration.Framework, ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
			return fw.Translate(ms, opt)
		}
	}
	var order []migration.Framework
	groups := map[migration.Format][]*dirSet{}
	for _, s := range sets {
		if s.framework == nil {
			continue
		}
		if _, ok := groups[s.Format]; !ok {
			order = append(order, s.framework)
		}
		groups[s.Format] = append(groups[s.Format], s)
	}
	for _, fw := range order {
		group := groups[fw.Format()]
		var all []*migration.Migration
		for _, s := range group {
			all = append(all, s.Migrations...)
		}
		if fw.Format().Tool().OneOrder && len(group) > 1 {
			slices.SortStableFunc(all, func(a, b *migration.Migration) int { return migration.CompareNumbers(a.Version, b.Version) })
		}
		for _, t := range run(fw, all, opt) {
			// A goose SQL file among goose Go migrations is SQL.
			if t.Migration.Format.IsFramework() {
				t.Apply()
			}
		}
		// A migration the translator left out still reads as framework
		// code: no statements to parse.
		for _, m := range all {
			if m.Format.IsFramework() {
				m.Framework = true
				if m.Ops == nil {
					m.Ops = []ops.Op{}
				}
			}
		}
	}
}

// fromText is one file that is not on disk (an editor buffer, --stdin):
// a framework file is translated on its own, a SQL file read as its
// format says.
func fromText(p string, text []byte, format migration.Format, pgVersion int, base *catalog.Catalog) *migration.Migration {
	fw := frameworkOf(format)
	if fw == nil && format == migration.FormatAuto {
		fw = frameworkOfFile(p, text)
	}
	if fw == nil {
		return FromText(p, text, format)
	}
	m := &migration.Migration{Path: p, File: source.NewFile(p, text), Format: fw.Format(), Transactional: true, Framework: true}
	for _, t := range fw.Translate([]*migration.Migration{m}, migration.TranslateOptions{PGVersion: pgVersion, Catalog: base}) {
		t.Apply()
	}
	return m
}

// listedFS lists each directory once: every framework's detector lists
// the directory being read (Rails' walks it) before discovery lists it
// again, and a directory of thousands of migrations is worth listing once.
type listedFS struct {
	fs.FS
	mu    sync.Mutex
	lists map[string]dirListing
}

type dirListing struct {
	entries []fs.DirEntry
	err     error
}

func (l *listedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	got, ok := l.lists[name]
	if !ok {
		got.entries, got.err = fs.ReadDir(l.FS, name)
		if l.lists == nil {
			l.lists = map[string]dirListing{}
		}
		l.lists[name] = got
	}
	return slices.Clone(got.entries), got.err
}

func (l *listedFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(l.FS, name) }
