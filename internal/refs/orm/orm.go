// Package orm extracts references from ORM model definitions:
// ActiveRecord, Django, SQLAlchemy (and SQLModel), Prisma, GORM and
// sqlx struct tags. A model says "this release loads and writes these
// columns of this table"; see each extractor for what it emits.
//
// Ruby and Python are read with tree-sitter, Go with go/parser and
// Prisma schemas with a small hand-written parser. Every extractor is
// error-tolerant: a file with syntax errors yields the models that
// parse. Comments (such as Rails annotate blocks), methods, properties
// and other look-alikes never produce references.
package orm

import (
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// Extractors returns one extractor per supported ORM, with default
// settings (Rails' default inflections, GORM's default naming).
func Extractors() []refs.Extractor {
	return []refs.Extractor{
		NewActiveRecord(nil),
		Django,
		DjangoAttributes,
		SQLAlchemy,
		Prisma,
		PrismaClient,
		&GORM{},
		Sqlx,
		Ent,
		Bun,
		SQLBoiler,
		JavaScript,
		JVM,
	}
}

const maxSnippet = 160

// snippet returns line n of f, trimmed and cut to maxSnippet runes.
func snippet(f *source.File, n int) string {
	s := strings.TrimSpace(f.Line(n))
	if utf8.RuneCountInString(s) <= maxSnippet {
		return s
	}
	r := []rune(s)
	return string(r[:maxSnippet])
}

// newRef returns a resolved reference located at byte offset off of f.
func newRef(f *source.File, src refs.Source, off int, table string) refs.Reference {
	pos := f.Pos(off)
	schema, tbl := splitSchema(table)
	return refs.Reference{
		Schema:    schema,
		Table:     tbl,
		Usage:     refs.Model,
		Certainty: refs.Resolved,
		Source:    src,
		File:      f.Path,
		Line:      pos.Line,
		Col:       pos.Column,
		Snippet:   snippet(f, pos.Line),
	}
}

// columnRef returns a reference to a column of table, of the given
// usage and certainty, located at byte offset off of f.
func columnRef(f *source.File, src refs.Source, off int, table, column string, usage refs.Usage, c refs.Certainty) refs.Reference {
	r := newRef(f, src, off, table)
	r.Column = column
	r.Usage = usage
	r.Certainty = c
	return r
}

// attributeRef returns a use of a model's column through the ORM (Usage
// Attribute), for a model whose schema and table are known apart.
func attributeRef(f *source.File, src refs.Source, off int, schema, table, column string, c refs.Certainty) refs.Reference {
	r := columnRef(f, src, off, table, column, refs.Attribute, c)
	r.Schema, r.Table = schema, table
	return r
}

// splitSchema splits "schema.table"; a plain name has no schema.
func splitSchema(name string) (string, string) {
	if i := strings.LastIndexByte(name, '.'); i > 0 && i < len(name)-1 {
		return name[:i], name[i+1:]
	}
	return "", name
}

// segments returns the slash-separated parts of a path.
func segments(p string) []string {
	return strings.Split(path.Clean(strings.ReplaceAll(p, `\`, "/")), "/")
}

// inDir reports whether one of the directories a path lies in is named
// one of names.
func inDir(p string, names ...string) bool {
	segs := segments(p)
	for _, s := range segs[:len(segs)-1] {
		if slices.Contains(names, s) {
			return true
		}
	}
	return false
}

// excludedDir reports whether a path lies in a directory whose files are
// never application references: tests, fixtures, migrations, vendored
// and generated code. Migrations are read by internal/migrations.
func excludedDir(p string) bool {
	segs := segments(p)
	for _, s := range segs[:len(segs)-1] {
		if strings.HasSuffix(s, "_migrations") { // legacy_migrations, alembic_migrations
			return true
		}
		switch s {
		case "test", "tests", "spec", "specs", "fixtures", "migrations", "migrate", "post_migrate",
			"vendor", "node_modules", "__pycache__", ".git", "alembic":
			return true
		}
	}
	return false
}

// uniq appends s to list unless it is there already.
func uniq(list []string, s ...string) []string {
outer:
	for _, x := range s {
		for _, y := range list {
			if x == y {
				continue outer
			}
		}
		list = append(list, x)
	}
	return list
}
