// Package golang reads migrations written in Go: goose Go migrations
// (00002_name.go registering up and down with goose.AddMigration and its
// variants), migration lists (a slice or map of migration functions or
// structs, as lopezator/migrator, rubenv/sql-migrate's memory source,
// gormigrate and darwin take them, or a project's own), and versioned
// files (internal/migrations/v2.1.0.go, go-pg's 1_initial.go). The SQL
// each up function executes (the string arguments of Exec, ExecContext,
// Query and friends: literals, constants, locals, concatenations and
// fmt.Sprintf of what can be read) goes through pg_query into operations
// at their place in the .go file; down functions are not read. A call
// whose SQL cannot be read, or that hands the database to code in
// another package, is a note at the call.
package golang

import (
	"bytes"
	"errors"
	"fmt"
	"go/scanner"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/code/emit"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

// Go implements migration.Framework for one layout of Go migrations.
type Go struct{ format migration.Format }

// GooseGo reads goose Go migrations (and the goose SQL files beside
// them, which run in the same version order).
func GooseGo() *Go { return &Go{migration.FormatGooseGo} }

// List reads Go migration lists.
func List() *Go { return &Go{migration.FormatGoList} }

// Versioned reads one-file-per-migration Go directories versioned by
// file name.
func Versioned() *Go { return &Go{migration.FormatGoVersioned} }

var _ migration.Framework = (*Go)(nil)

// Format is the layout's format.
func (g *Go) Format() migration.Format { return g.format }

// Detect reports whether dir holds this layout (see layoutOf).
func (g *Go) Detect(fsys fs.FS, dir string) bool {
	return layoutOf(fsys, path.Clean(dir)) == g.format
}

// Files that may hold Go migrations, by their text.
var (
	gooseImport = []byte("pressly/goose")
	execCall    = regexp.MustCompile(`\.(Exec|ExecContext|MustExec|Query|QueryContext|Raw|MustRegister|MustRegisterTx|RegisterTx)\(`)
	listMarker  = regexp.MustCompile(`\[\]func\(|map\[[^\]]+\]func\(|\[\]\*?[\w.]*Migration\b|\.Migrations\(`)
)

// layoutOf tells which Go layout the files directly in dir follow, or
// "": goose Go files (a goose import in a <version>_<name>.go file);
// versioned files (two or more version-named files that run SQL, or one
// in a directory named like migrations); else a migration list in one of
// the files.
func layoutOf(fsys fs.FS, dir string) migration.Format {
	names := goFiles(fsys, dir)
	if len(names) == 0 {
		return ""
	}
	goose, versioned := 0, 0
	var candidates []string
	for _, n := range names {
		h := head(fsys, path.Join(dir, n))
		if h == nil {
			continue
		}
		if gooseName.MatchString(n) && bytes.Contains(h, gooseImport) {
			goose++
		}
		if versionedName.MatchString(n) && execCall.Match(h) {
			versioned++
		}
		if listMarker.Match(h) {
			candidates = append(candidates, n)
		}
	}
	switch {
	case goose > 0:
		return migration.FormatGooseGo
	case versioned >= 2, versioned == 1 && strings.Contains(strings.ToLower(path.Base(dir)), "migrat"):
		return migration.FormatGoVersioned
	}
	if len(candidates) == 0 {
		return ""
	}
	var files []*goFile
	for _, n := range names {
		text, reason := migration.ReadText(fsys, path.Join(dir, n), 0)
		if reason == "" {
			files = append(files, parseFile(path.Join(dir, n), text))
		}
	}
	if len(newPkg(files).lists()) > 0 {
		return migration.FormatGoList
	}
	return ""
}

// Discover finds the migrations of dir in apply order.
func (g *Go) Discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	dir = path.Clean(dir)
	if err := migration.CheckDir(fsys, dir); err != nil {
		return nil, err
	}
	set := &migration.Set{Dir: dir, Format: g.format}
	r := &reader{fsys: fsys, opt: opt, set: set}
	var err error
	switch g.format {
	case migration.FormatGooseGo:
		err = r.goose(dir)
	case migration.FormatGoVersioned:
		r.versioned(dir)
	default:
		r.list(dir)
	}
	if err != nil {
		return nil, err
	}
	for i, m := range set.Migrations {
		m.Order = i
	}
	return set, nil
}

// goose reads goose's Go files and its SQL files, in version order
// (downs, when asked for, after them as goose.Discover gives them).
func (r *reader) goose(dir string) error {
	if r.opt.SQL == nil {
		return errors.New("goose Go migrations need the loader's SQL reader for the goose SQL files beside them")
	}
	sqlSet, err := r.opt.SQL(r.fsys, dir, migration.Options{Format: migration.FormatGoose, IncludeDown: r.opt.IncludeDown, MaxFileSize: r.opt.MaxFileSize})
	if err != nil {
		return err
	}
	r.set.Skipped = append(r.set.Skipped, sqlSet.Skipped...)
	var ups, downs []*migration.Migration
	for _, m := range sqlSet.Migrations {
		if m.Down {
			downs = append(downs, m)
		} else {
			ups = append(ups, m)
		}
	}
	ups = append(ups, r.named(dir, gooseName, migration.FormatGooseGo)...)
	slices.SortStableFunc(ups, func(a, b *migration.Migration) int { return migration.CompareVersions(a.Version, b.Version) })
	r.set.Migrations = slices.Concat(ups, downs)
	return nil
}

// versioned reads one migration per version-named Go file.
func (r *reader) versioned(dir string) {
	r.set.Migrations = append(r.set.Migrations, r.named(dir, versionedName, migration.FormatGoVersioned)...)
	slices.SortStableFunc(r.set.Migrations, func(a, b *migration.Migration) int {
		if c := migration.CompareVersions(a.Version, b.Version); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
}

// named reads each Go file of dir whose name re matches (its groups the
// version and the name) as one migration.
func (r *reader) named(dir string, re *regexp.Regexp, format migration.Format) []*migration.Migration {
	var out []*migration.Migration
	for _, n := range goFiles(r.fsys, dir) {
		m := re.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		if f := r.read(path.Join(dir, n)); f != nil {
			out = append(out, r.single(f, format, m[1], m[2]))
		}
	}
	return out
}

func (r *reader) single(f *goFile, format migration.Format, version, name string) *migration.Migration {
	return &migration.Migration{
		Path: f.path, File: f.src, Format: format, Version: version, Name: name,
		Transactional: f.singleTransactional(),
		Regions:       []migration.Region{{Start: 0, End: len(f.src.Text)}},
	}
}

// list reads the migration lists of the directory's Go files: one
// migration per element, versioned by its key, its Version field or its
// position.
func (r *reader) list(dir string) {
	var files []*goFile
	for _, n := range goFiles(r.fsys, dir) {
		if f := r.read(path.Join(dir, n)); f != nil {
			files = append(files, f)
		}
	}
	lists := newPkg(files).lists()
	for _, l := range lists {
		var ms []*migration.Migration
		for i, e := range l.elems {
			m := listMigration(l, e, i)
			if len(lists) > 1 {
				m.Version = l.name + ":" + m.Version
			}
			ms = append(ms, m)
		}
		if l.isMap {
			slices.SortStableFunc(ms, func(a, b *migration.Migration) int { return migration.CompareVersions(a.Version, b.Version) })
		}
		r.set.Migrations = append(r.set.Migrations, ms...)
	}
}

func listMigration(l *list, e element, i int) *migration.Migration {
	f := l.file
	var region migration.Region
	if e.up != nil {
		f = e.upFile
		region = migration.Region{Start: f.off(e.up.Pos()), End: f.off(e.up.End())}
	} else {
		region = migration.Region{Start: f.off(e.node.Pos()), End: f.off(e.node.End())}
	}
	version := e.version
	if version == "" {
		version = fmt.Sprint(i + 1)
	}
	return &migration.Migration{
		Path: f.path, File: f.src, Format: migration.FormatGoList, Version: version, Name: e.name,
		Transactional: e.tx, Regions: []migration.Region{region}, Part: true,
	}
}

// Translate reads the up code of each migration. Migrations of one file
// share its parse; files are read in parallel.
func (g *Go) Translate(ms []*migration.Migration, opt migration.TranslateOptions) []migration.Translation {
	out := make([]migration.Translation, len(ms))
	byFile := map[*source.File][]int{}
	var order []*source.File
	for i, m := range ms {
		if _, ok := byFile[m.File]; !ok {
			order = append(order, m.File)
		}
		byFile[m.File] = append(byFile[m.File], i)
	}
	emit.Parallel(len(order), func(k int) {
		var f *goFile
		for _, i := range byFile[order[k]] {
			m := ms[i]
			out[i] = emit.Safely(m, func() migration.Translation {
				if f == nil {
					f = parseSource(order[k])
				}
				return translate(m, f, opt)
			})
		}
	})
	return out
}

func translate(m *migration.Migration, f *goFile, opt migration.TranslateOptions) migration.Translation {
	rec := emit.New(m.File, opt.PGVersion)
	if !m.Format.IsFramework() {
		// A goose SQL file beside the Go ones: it is SQL, parsed as such.
		return migration.Translation{Migration: m}
	}
	undiscovered(m, f)
	if f.syntax != nil {
		syntaxNotes(rec, f)
	}
	w := newWalker(f, rec)
	switch {
	case m.Format == migration.FormatGoList && m.Part && len(m.Regions) == 1:
		n := f.nodeAt(m.Regions[0].Start, m.Regions[0].End)
		if n == nil {
			rec.Unreadable(m.File.Span(m.Regions[0].Start, m.Regions[0].End), "schemagate could not find this migration's code again: it is not checked")
			break
		}
		w.up(n)
	case m.Format == migration.FormatGoList:
		// The whole file (an editor buffer): every element of its lists.
		for _, l := range newPkg([]*goFile{f}).lists() {
			for _, e := range l.elems {
				if e.up == nil {
					w.up(e.node)
				} else {
					w.up(e.up)
				}
			}
		}
	default:
		f.translateSingle(w)
	}
	if rec.Empty() {
		sp := f.upSpan()
		if len(m.Regions) == 1 && m.Part {
			sp = m.File.Span(m.Regions[0].Start, m.Regions[0].Start)
		}
		rec.Unreadable(sp, "this migration runs no SQL schemagate can see (no Exec of a SQL string): nothing in it is checked")
	}
	return rec.Translation(m)
}

// syntaxNotes reports Go syntax errors: go build fails, so the migration
// never runs as written.
func syntaxNotes(rec *emit.Recorder, f *goFile) {
	var list scanner.ErrorList
	if !errors.As(f.syntax, &list) {
		return
	}
	for i, e := range list {
		if i == 3 {
			break
		}
		off := 0
		if e.Pos.Line > 0 && e.Pos.Line <= f.src.LineCount() {
			off = f.src.LineStart(e.Pos.Line) + e.Pos.Column - 1
		}
		rec.Note(migration.NoteSyntaxError, f.src.Span(off, off+1), "Go syntax error: %s", e.Msg)
	}
}

// ForFile returns the layout one Go file on its own follows, or nil: a
// goose migration, a file holding a migration list, a version-named
// file that runs SQL.
func ForFile(p string, text []byte) *Go {
	f := parseFile(p, text)
	switch {
	case f.importName("pressly/goose") != "":
		return GooseGo()
	case len(newPkg([]*goFile{f}).lists()) > 0:
		return List()
	case versionedName.MatchString(path.Base(p)) && runsSQL(f.ast):
		return Versioned()
	}
	return nil
}

// undiscovered completes a migration made from text alone (an editor
// buffer) with what discovery would have said: the whole file, and
// whether it runs in a transaction.
func undiscovered(m *migration.Migration, f *goFile) {
	if len(m.Regions) > 0 {
		return
	}
	m.Regions = []migration.Region{{Start: 0, End: len(m.File.Text)}}
	switch m.Format {
	case migration.FormatGoList:
		for _, l := range newPkg([]*goFile{f}).lists() {
			for _, e := range l.elems {
				m.Transactional = e.tx
				return
			}
		}
	default:
		m.Transactional = f.singleTransactional()
	}
}
