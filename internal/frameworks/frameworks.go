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
	"github.com/schemagate/schemagate/internal/migrations/django"
	"github.com/schemagate/schemagate/internal/migrations/rails"
	"github.com/schemagate/schemagate/internal/source"
)

// All returns the supported frameworks.
func All() []migrations.Framework {
	return []migrations.Framework{rails.New(), django.New(), alembic.New()}
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
	return nil
}

// Set is the migrations of one directory, translated when they are
// framework code.
type Set struct {
	Format     migrations.Format
	Migrations []*migrations.Migration
	Skipped    []migrations.Skipped
	// Translations are set for framework formats, one per migration, in
	// the same order.
	Translations []migrations.Translation
}

// Discover reads dir of fsys: SQL migration formats through package
// migrations, frameworks through their translators (which need every
// migration of the directory, in order, to replay state).
func Discover(fsys fs.FS, dir string, opt migrations.Options, pgVersion int, base *catalog.Catalog) (*Set, error) {
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
	ts := fw.Translate(set.Migrations, migrations.TranslateOptions{PGVersion: pgVersion, Catalog: base})
	return &Set{Format: fw.Format(), Migrations: set.Migrations, Skipped: set.Skipped, Translations: ts}, nil
}

// Merge joins the sets of several directories of one framework (Rails'
// db/migrate and db/post_migrate run in one version order) and translates
// them together; other sets are kept as they are.
func Merge(fsys fs.FS, sets []*Set, pgVersion int, base *catalog.Catalog) []*Set {
	var rest []*Set
	byFormat := map[migrations.Format][]*migrations.Migration{}
	var order []migrations.Format
	for _, s := range sets {
		if s.Translations == nil {
			rest = append(rest, s)
			continue
		}
		if _, ok := byFormat[s.Format]; !ok {
			order = append(order, s.Format)
		}
		byFormat[s.Format] = append(byFormat[s.Format], s.Migrations...)
	}
	for _, f := range order {
		ms := byFormat[f]
		if f == migrations.FormatRails {
			sort.SliceStable(ms, func(i, j int) bool { return versionLess(ms[i].Version, ms[j].Version) })
		}
		for i, m := range ms {
			m.Order = i
		}
		ts := ByFormat(f).Translate(ms, migrations.TranslateOptions{PGVersion: pgVersion, Catalog: base})
		rest = append(rest, &Set{Format: f, Migrations: ms, Translations: ts})
	}
	return rest
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
		if s.Translations != nil {
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
