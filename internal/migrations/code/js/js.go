// Package js reads migrations written in TypeScript or JavaScript:
// TypeORM (a MigrationInterface class whose up() calls queryRunner),
// node-pg-migrate (up(pgm)), Knex (up(knex) with the schema builder) and
// Sequelize (up(queryInterface, Sequelize)). Files are parsed with
// tree-sitter; up() is followed statement by statement, and each call on
// the library's handle becomes the SQL the library sends for PostgreSQL:
// SQL strings (pgm.sql, knex.raw, queryRunner.query,
// queryInterface.sequelize.query) are parsed where they are written,
// builder calls (dropColumn, renameColumn, addColumn, createTable,
// createIndex, ...) are written out as the library writes them and
// parsed. The down part is not read. A call that cannot be read is a
// note at the call.
package js

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/code/emit"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/source"
)

// JS implements migrations.Framework for one migration library.
type JS struct{ format migration.Format }

// TypeORM reads TypeORM migrations.
func TypeORM() *JS { return &JS{migration.FormatTypeORM} }

// NodePgMigrate reads node-pg-migrate migrations.
func NodePgMigrate() *JS { return &JS{migration.FormatNodePgMigrate} }

// Knex reads Knex migrations.
func Knex() *JS { return &JS{migration.FormatKnex} }

// Sequelize reads Sequelize (sequelize-cli, umzug) migrations.
func Sequelize() *JS { return &JS{migration.FormatSequelize} }

var _ migration.Framework = (*JS)(nil)

// Format is the library's format.
func (j *JS) Format() migration.Format { return j.format }

// migrationFile is a timestamped JS/TS migration: TypeORM's
// <timestamp>-Name.ts, node-pg-migrate's <timestamp>_name.js, Knex's
// <timestamp>_name.js, sequelize-cli's <timestamp>-name.js.
var migrationFile = regexp.MustCompile(`^([0-9]+)[-_.]?(.*)\.(ts|js|mjs|cjs|mts|cts)$`)

// markers tell the libraries apart by a file's text, most specific
// first.
var markers = []struct {
	format migration.Format
	re     *regexp.Regexp
}{
	{migration.FormatTypeORM, regexp.MustCompile(`\bMigrationInterface\b|\bqueryRunner\b`)},
	{migration.FormatSequelize, regexp.MustCompile(`\bqueryInterface\b|sequelize-cli`)},
	{migration.FormatNodePgMigrate, regexp.MustCompile(`\(\s*pgm\b|\bpgm\s*=>|\bMigrationBuilder\b|node-pg-migrate`)},
	{migration.FormatKnex, regexp.MustCompile(`\bknex\b|\bKnex\b`)},
}

// fileFormat tells which library a migration file's text is written for,
// or "".
func fileFormat(text []byte) migration.Format {
	for _, m := range markers {
		if m.re.Match(text) {
			return m.format
		}
	}
	return ""
}

// candidates lists the timestamped JS/TS files directly in dir.
func candidates(fsys fs.FS, dir string) []string {
	return migration.Files(fsys, dir, func(n string) bool {
		return migrationFile.MatchString(n) && !strings.HasSuffix(n, ".d.ts") && !strings.Contains(n, ".test.") && !strings.Contains(n, ".spec.")
	})
}

// layoutOf votes: the library most of dir's migration files are written
// for (ties go to the most specific), or "".
func layoutOf(fsys fs.FS, dir string) migration.Format {
	votes := map[migration.Format]int{}
	for _, n := range candidates(fsys, dir) {
		if f := fileFormat(head(fsys, path.Join(dir, n))); f != "" {
			votes[f]++
		}
	}
	best, n := migration.Format(""), 0
	for _, m := range markers {
		if votes[m.format] > n {
			best, n = m.format, votes[m.format]
		}
	}
	return best
}

// head is the start of a file, where its imports, registration or up()
// are; nil when it cannot be read.
func head(fsys fs.FS, p string) []byte { return migration.ReadHead(fsys, p, 16<<10) }

// Detect reports whether most migration files of dir are this library's.
func (j *JS) Detect(fsys fs.FS, dir string) bool { return layoutOf(fsys, path.Clean(dir)) == j.format }

// Discover reads the library's migration files of dir, in the order the
// library runs them (by name, which starts with the timestamp).
func (j *JS) Discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	dir = path.Clean(dir)
	if err := migration.CheckDir(fsys, dir); err != nil {
		return nil, err
	}
	set := &migration.Set{Dir: dir, Format: j.format}
	for _, n := range candidates(fsys, dir) {
		p := path.Join(dir, n)
		text, reason := migration.ReadText(fsys, p, opt.MaxFileSize)
		if reason != "" {
			set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: reason})
			continue
		}
		if f := fileFormat(text); f != j.format {
			set.Skipped = append(set.Skipped, migration.Skipped{Path: p, Reason: fmt.Sprintf("not a %s migration", j.format)})
			continue
		}
		m := migrationFile.FindStringSubmatch(n)
		set.Migrations = append(set.Migrations, &migration.Migration{
			Path: p, File: source.NewFile(p, text), Format: j.format, Version: m[1], Name: m[2],
			Transactional: transactional(j.format, text),
			Regions:       []migration.Region{{Start: 0, End: len(text)}},
		})
	}
	slices.SortStableFunc(set.Migrations, func(a, b *migration.Migration) int {
		if c := migration.CompareVersions(a.Version, b.Version); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	for i, m := range set.Migrations {
		m.Order = i
	}
	return set, nil
}

var (
	pgmNoTransaction   = regexp.MustCompile(`\.noTransaction\(\s*\)`)
	knexNoTransaction  = regexp.MustCompile(`config\s*=\s*\{[^}]*\btransaction\s*:\s*false`)
	typeormTransaction = regexp.MustCompile(`\btransaction\s*=\s*false\b`)
)

// transactional says whether the library runs a migration inside a
// transaction: node-pg-migrate, Knex and TypeORM do unless the migration
// opts out; sequelize-cli does not (a migration opens its own with
// queryInterface.sequelize.transaction, which the translation follows).
func transactional(f migration.Format, text []byte) bool {
	switch f {
	case migration.FormatNodePgMigrate:
		return !pgmNoTransaction.Match(text)
	case migration.FormatKnex:
		return !knexNoTransaction.Match(text)
	case migration.FormatTypeORM:
		return !typeormTransaction.Match(text)
	}
	return false
}

// Translate reads up() of each migration; files are independent and
// read in parallel.
func (j *JS) Translate(ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
	out := make([]migration.Translation, len(ms))
	emit.Parallel(len(ms), func(i int) {
		m := ms[i]
		out[i] = emit.Safely(m, func() migration.Translation { return j.translate(m, opt) })
	})
	return out
}

func (j *JS) translate(m *migration.Migration, opt migration.TranslateOptions) migration.Translation {
	rec := emit.New(m.File, opt.PGVersion)
	f, err := parse(m.File)
	if err != nil {
		rec.Unreadable(m.File.Span(0, 0), "schemagate could not parse this file (%v): it is not checked", err)
		return rec.Translation(m)
	}
	defer f.close()
	if len(m.Regions) == 0 {
		// Text alone (an editor buffer): what discovery would say.
		m.Regions = []migration.Region{{Start: 0, End: len(m.File.Text)}}
		m.Transactional = transactional(j.format, m.File.Text)
	}
	if f.root.HasError() {
		syntaxNote(rec, f)
	}
	up := f.upFunction()
	if up == nil {
		rec.Unreadable(m.File.Span(0, 0), "no up function schemagate recognises (exports.up, export function up, a class's up method): nothing in this migration is checked")
		return rec.Translation(m)
	}
	var lib library
	roles := []role{roleHandle}
	switch j.format {
	case migration.FormatTypeORM:
		lib = typeorm{}
	case migration.FormatNodePgMigrate:
		lib = &nodePgMigrate{shorthands: shorthandsOf(f)}
	case migration.FormatKnex:
		lib = knex{}
	case migration.FormatSequelize:
		lib = sequelize{}
		roles = append(roles, roleTypes)
	}
	w := newWalker(f, rec, lib)
	w.function(up, roles...)
	if rec.Empty() {
		body := up.ChildByFieldName("body")
		if body != nil && len(named(body)) > 0 {
			rec.Unreadable(f.span(up.ChildByFieldName("name")), "up runs code but no %s call schemagate reads: nothing in it is checked", j.format)
		}
	}
	return rec.Translation(m)
}

// syntaxNote reports the first part of the file tree-sitter could not
// parse: the migration does not load.
func syntaxNote(rec *emit.Recorder, f *jsFile) {
	var bad func(n *sitterNode) *sitterNode
	bad = func(n *sitterNode) *sitterNode {
		if n.IsError() || n.IsMissing() {
			return n
		}
		for i := 0; i < int(n.ChildCount()); i++ {
			if c := n.Child(i); c.HasError() || c.IsMissing() {
				if b := bad(c); b != nil {
					return b
				}
			}
		}
		return nil
	}
	if n := bad(f.root); n != nil {
		end := max(int(n.EndByte()), int(n.StartByte())+1)
		name := "JavaScript"
		if f.lang == lang.TypeScript {
			name = "TypeScript"
		}
		rec.Note(migration.NoteSyntaxError, f.src.Span(int(n.StartByte()), min(end, len(f.src.Text))), "%s syntax error: the migration does not load", name)
	}
}

// ForFile returns the library one JS/TS file on its own is a migration
// of, or nil: its text must name the library and define up.
func ForFile(p string, text []byte) *JS {
	format := fileFormat(text)
	if format == "" {
		return nil
	}
	f, err := parse(source.NewFile(p, text))
	if err != nil {
		return nil
	}
	defer f.close()
	if f.upFunction() == nil {
		return nil
	}
	return &JS{format}
}
