// Package frameworks finds and translates Rails, Django and Alembic
// migrations, and turns a directory or file of migrations, whatever their
// format, into lint units. lint, check and lsp load migrations through
// here; the engine itself (package lint) knows no framework.
package frameworks

import (
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/alembic"
	"github.com/schemagate/schemagate/internal/migrations/code"
	"github.com/schemagate/schemagate/internal/migrations/django"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/source"
)

// All returns the supported frameworks.
func All() []migrations.Framework {
	return append([]migrations.Framework{rails.New(), django.New(), alembic.New()}, code.All()...)
}

// ByFormat returns the framework of a format, or nil for SQL formats.
func ByFormat(f migrations.Format) migrations.Framework {
	for _, fw := range All() {
		if fw.Format() == f {
			return fw
		}
	}
	return nil
}

// Detect returns the framework whose migrations dir holds, or nil. A
// forced SQL format means no framework.
func Detect(fsys fs.FS, dir string, forced migrations.Format) migrations.Framework {
	if forced != migrations.FormatAuto {
		return ByFormat(forced)
	}
	for _, fw := range All() {
		if fw.Detect(fsys, dir) {
			return fw
		}
	}
	return nil
}

// ForFile guesses the framework of a single file from its name and text.
func ForFile(p string, text []byte) migrations.Framework {
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

// Set is the migrations of one directory, translated when they are
// framework code.
type Set struct {
	Format     migrations.Format
	Migrations []*migrations.Migration
	Skipped    []migrations.Skipped
	// Translations are set for framework formats once translated, one per
	// migration, in the same order.
	Translations []migrations.Translation

	framework migrations.Framework
}

// Framework returns the set's framework, or nil for SQL formats.
func (s *Set) Framework() migrations.Framework { return s.framework }

// Find reads dir of fsys without translating: SQL migration formats
// through package migrations, frameworks through their own discovery.
func Find(fsys fs.FS, dir string, opt migrations.Options) (*Set, error) {
	fw := Detect(fsys, dir, opt.Format)
	if fw == nil {
		set, err := migrations.Discover(fsys, dir, opt)
		if err != nil {
			return nil, err
		}
		return &Set{Format: set.Format, Migrations: set.Migrations, Skipped: set.Skipped}, nil
	}
	set, err := fw.Discover(fsys, dir, opt)
	if err != nil {
		return nil, err
	}
	return &Set{Format: fw.Format(), Migrations: set.Migrations, Skipped: set.Skipped, framework: fw}, nil
}

// Discover is Find and Translate for one directory.
func Discover(fsys fs.FS, dir string, opt migrations.Options, pgVersion int, base *catalog.Catalog) (*Set, error) {
	set, err := Find(fsys, dir, opt)
	if err != nil {
		return nil, err
	}
	Translate([]*Set{set}, pgVersion, base)
	return set, nil
}

// Translate translates the framework sets. Sets of one framework (Rails'
// db/migrate and db/post_migrate run in one version order) are translated
// together, so each migration sees the state every earlier one left.
func Translate(sets []*Set, pgVersion int, base *catalog.Catalog) {
	var order []migrations.Framework
	groups := map[migrations.Format][]*Set{}
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
		var all []*migrations.Migration
		for _, s := range group {
			all = append(all, s.Migrations...)
		}
		if fw.Format() == migrations.FormatRails && len(group) > 1 {
			sort.SliceStable(all, func(i, j int) bool { return versionLess(all[i].Version, all[j].Version) })
		}
		ts := fw.Translate(all, migrations.TranslateOptions{PGVersion: pgVersion, Catalog: base})
		byMigration := map[*migrations.Migration]migrations.Translation{}
		for _, t := range ts {
			byMigration[t.Migration] = t
		}
		for _, s := range group {
			s.Translations = make([]migrations.Translation, len(s.Migrations))
			for i, m := range s.Migrations {
				t, ok := byMigration[m]
				if !ok {
					t = migrations.Translation{Migration: m}
				}
				s.Translations[i] = t
			}
		}
	}
}

func versionLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// Units turns a set into lint units, translated or parsed.
func (s *Set) Units() []*lint.Unit {
	var out []*lint.Unit
	for i, m := range s.Migrations {
		// A goose SQL file among goose Go migrations is SQL.
		if s.Translations != nil && m.Format.IsFramework() {
			out = append(out, lint.FromTranslation(s.Translations[i]))
			continue
		}
		out = append(out, &lint.Unit{Migration: m})
	}
	return out
}

// Text is one file that is not on disk (an editor buffer, --stdin): a
// framework file is translated on its own, a SQL file parsed.
func Text(p string, text []byte, format migrations.Format, pgVersion int) *lint.Unit {
	fw := ByFormat(format)
	if fw == nil && format == migrations.FormatAuto {
		fw = ForFile(p, text)
	}
	if fw == nil {
		return &lint.Unit{Migration: migrations.FromText(p, text, format)}
	}
	m := &migrations.Migration{Path: p, File: source.NewFile(p, text), Format: fw.Format(), Transactional: true}
	ts := fw.Translate([]*migrations.Migration{m}, migrations.TranslateOptions{PGVersion: pgVersion})
	if len(ts) == 1 {
		return lint.FromTranslation(ts[0])
	}
	return &lint.Unit{Migration: m, Framework: true}
}
