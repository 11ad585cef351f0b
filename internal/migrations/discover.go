package migrations

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// Discover finds the migrations of directory dir of fsys, in apply
// order. Paths are slash paths in fsys (dir joined with the file's name).
// Files that look like migrations but cannot be used are listed in
// Set.Skipped; the error is only for a dir that is not a readable
// directory.
func Discover(fsys fs.FS, dir string, opt migration.Options) (*migration.Set, error) {
	dir = path.Clean(dir)
	l, err := openDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	// Every SQL file of the directory is read once, by every core at
	// once; detection and the formats that read them (all but Prisma and
	// sqitch) find them here.
	texts := readTexts(fsys, l.dir, l.sqlFiles(), opt.MaxSize())
	format := opt.Format
	if format == migration.FormatAuto {
		format = detect(fsys, l, texts)
	}
	b := &builder{fsys: fsys, opt: opt, set: &migration.Set{Dir: dir, Format: format}, texts: texts}
	f, ok := sqlFormats[format]
	if !ok {
		return nil, migration.UnknownFormat(string(format))
	}
	f.discover(b, l)
	for i, m := range b.set.Migrations {
		m.Order = i
	}
	return b.set, nil
}

type builder struct {
	fsys  fs.FS
	opt   migration.Options
	set   *migration.Set
	texts map[string]fileText // read ahead, by path
}

func (b *builder) skip(p, reason string) {
	b.set.Skipped = append(b.set.Skipped, migration.Skipped{Path: p, Reason: reason})
}

func (b *builder) add(ms ...*migration.Migration) { b.set.Migrations = append(b.set.Migrations, ms...) }

// read reads a migration file, recording it as skipped when it cannot
// be used.
func (b *builder) read(p string) ([]byte, bool) {
	t, ok := b.texts[p]
	if !ok {
		t.text, t.reason, t.err = migration.Read(b.fsys, p, b.opt.MaxSize())
	}
	text, reason, err := t.text, t.reason, t.err
	if err != nil {
		reason = migration.ReadReason(err)
	}
	if reason != "" {
		b.skip(p, reason)
		return nil, false
	}
	return text, true
}

// wholeFile is the region of a file that runs as a whole.
func wholeFile(text []byte) []migration.Region {
	return []migration.Region{{Start: migration.BodyStart(text), End: len(text)}}
}

// sortByVersion sorts in place; equal versions keep path order. The
// downs of a set run newest first, so they are sorted in reverse.
func sortByVersion(ms []*migration.Migration, compare func(a, b string) int) {
	slices.SortStableFunc(ms, func(a, b *migration.Migration) int {
		return cmp.Or(compare(a.Version, b.Version), strings.Compare(a.Path, b.Path))
	})
}

func reversed(ms []*migration.Migration) []*migration.Migration {
	slices.Reverse(ms)
	return ms
}

// markDuplicates reports versions used by more than one migration, on
// each of them.
func markDuplicates(ms []*migration.Migration, key func(*migration.Migration) string, tool string) {
	groups := map[string][]*migration.Migration{}
	for _, m := range ms {
		k := key(m)
		groups[k] = append(groups[k], m)
	}
	for _, m := range ms {
		g := groups[key(m)]
		if len(g) < 2 {
			continue
		}
		var others []string
		for _, o := range g {
			if o != m {
				others = append(others, o.Path)
			}
		}
		msg := fmt.Sprintf("version %s is also used by %s: %s refuses duplicate versions", m.Version, strings.Join(others, ", "), tool)
		if m.Repeatable {
			msg = fmt.Sprintf("repeatable migration %q is also %s: %s refuses duplicate descriptions", m.Name, strings.Join(others, ", "), tool)
		}
		m.Problems = append(m.Problems, migration.Problem{Span: firstLineSpan(m.File), Message: msg})
	}
}

func versionKey(m *migration.Migration) string { return m.Version }

// plainMigration is a file run whole, as psql -f runs it: statement by
// statement in autocommit mode.
func plainMigration(p string, text []byte) *migration.Migration {
	v, n := versionAndName(path.Base(p))
	return &migration.Migration{
		Path: p, File: source.NewFile(p, text), Format: migration.FormatSQL, Version: v, Name: n,
		Regions: wholeFile(text),
	}
}

func (b *builder) discoverPlain(l listing) {
	names := l.sqlFiles()
	slices.SortStableFunc(names, migration.CompareNames)
	for _, name := range names {
		p := path.Join(l.dir, name)
		if text, ok := b.read(p); ok {
			b.add(plainMigration(p, text))
		}
	}
}

// golangMigrateMigration: see multiStatementTransactional for why a file
// of several statements is transactional.
func golangMigrateMigration(p string, text []byte, version, name string, down bool) *migration.Migration {
	f := source.NewFile(p, text)
	r := wholeFile(text)
	return &migration.Migration{
		Path: p, File: f, Format: migration.FormatGolangMigrate, Version: migration.TrimZeros(version), Name: name,
		Down: down, Transactional: multiStatementTransactional(f, r), Regions: r,
	}
}

func (b *builder) discoverGolangMigrate(l listing) {
	var ups, downs []*migration.Migration
	for _, name := range l.sqlFiles() {
		p := path.Join(l.dir, name)
		m := golangMigrateName.FindStringSubmatch(name)
		if m == nil {
			b.skip(p, "not a golang-migrate file name (<version>_<name>.up.sql): migrate ignores it")
			continue
		}
		down := m[3] == "down"
		if down && !b.opt.IncludeDown {
			continue
		}
		text, ok := b.read(p)
		if !ok {
			continue
		}
		mig := golangMigrateMigration(p, text, m[1], m[2], down)
		if down {
			downs = append(downs, mig)
		} else {
			ups = append(ups, mig)
		}
	}
	for _, ms := range [][]*migration.Migration{ups, downs} {
		sortByVersion(ms, migration.CompareNumbers)
		markDuplicates(ms, versionKey, "golang-migrate")
	}
	b.add(ups...)
	b.add(reversed(downs)...)
}

func (b *builder) discoverGoose(l listing) {
	b.discoverSectioned(l, "goose", gooseVersion, gooseMigrations,
		"not a goose file name (<version>_<name>.sql): goose ignores it")
}

func (b *builder) discoverDbmate(l listing) {
	b.discoverSectioned(l, "dbmate", dbmateVersion, dbmateMigrations,
		"file name does not start with a version number: dbmate ignores it")
}

// discoverSectioned reads the formats whose files hold an up and a down
// section (goose, dbmate): ups in version order, then the downs in
// rollback order.
func (b *builder) discoverSectioned(l listing, tool string,
	version func(name string) (v, n string, ok bool),
	build func(p string, text []byte, v, n string, includeDown bool) []*migration.Migration,
	badName string) {
	type file struct {
		p, v, n string
		text    []byte
		ms      []*migration.Migration
	}
	var files []*file
	for _, name := range l.sqlFiles() {
		p := path.Join(l.dir, name)
		v, n, ok := version(name)
		if !ok {
			b.skip(p, badName)
			continue
		}
		text, ok := b.read(p)
		if !ok {
			continue
		}
		files = append(files, &file{p: p, v: v, n: n, text: text})
	}
	// Splitting a file into its sections is its own business: every core
	// takes files.
	parallel(len(files), func(i int) {
		f := files[i]
		f.ms = build(f.p, f.text, f.v, f.n, b.opt.IncludeDown)
	})
	var ups, downs []*migration.Migration
	for _, f := range files {
		ups = append(ups, f.ms[0])
		downs = append(downs, f.ms[1:]...)
	}
	sortByVersion(ups, migration.CompareNumbers)
	sortByVersion(downs, migration.CompareNumbers)
	markDuplicates(ups, versionKey, tool)
	b.add(ups...)
	b.add(reversed(downs)...)
}

func (b *builder) discoverPrisma(l listing) {
	for _, name := range l.sqlFiles() {
		b.skip(path.Join(l.dir, name), "Prisma runs only <migration>/migration.sql files")
	}
	// Prisma applies the migration directories in name order.
	for _, d := range l.dirs {
		p := path.Join(l.dir, d, "migration.sql")
		if _, err := fs.Stat(b.fsys, p); errors.Is(err, fs.ErrNotExist) {
			b.skip(path.Join(l.dir, d), "no migration.sql in this migration directory")
			continue
		}
		if text, ok := b.read(p); ok {
			b.add(prismaMigration(p, text))
		}
	}
}

// prismaMigration: see multiStatementTransactional for why a file of
// several statements is transactional.
func prismaMigration(p string, text []byte) *migration.Migration {
	dir := path.Base(path.Dir(p))
	v, n := dir, dir
	if m := prismaDirName.FindStringSubmatch(dir); m != nil {
		v, n = m[1], m[2]
	}
	f := source.NewFile(p, text)
	r := wholeFile(text)
	return &migration.Migration{
		Path: p, File: f, Format: migration.FormatPrisma, Version: v, Name: n,
		Transactional: multiStatementTransactional(f, r), Regions: r,
	}
}

// LoadFile reads one migration file named on the command line. Its
// format is opt.Format, or guessed from its name and content and, when
// those do not tell, from its directory. A down file named explicitly
// (golang-migrate .down.sql, Flyway U) is loaded as a down migration;
// goose and dbmate files give their Up section. Order is 0.
func LoadFile(fsys fs.FS, p string, opt migration.Options) (*migration.Migration, *migration.Skipped, error) {
	if opt.Format != migration.FormatAuto && !slices.Contains(migration.Formats, opt.Format) {
		return nil, nil, migration.UnknownFormat(string(opt.Format))
	}
	p = path.Clean(p)
	if !fs.ValidPath(p) {
		return nil, nil, fmt.Errorf("%q: not a valid path (slash-separated, relative, no ..)", p)
	}
	if st, err := fs.Stat(fsys, p); err == nil && st.IsDir() {
		return nil, nil, fmt.Errorf("%s is a directory, not a migration file", p)
	}
	text, reason, err := migration.Read(fsys, p, opt.MaxSize())
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Errorf("%s: no such file", p)
	case err != nil:
		return nil, nil, fmt.Errorf("%s: %s", p, migration.ReadReason(err))
	case reason != "":
		return nil, &migration.Skipped{Path: p, Reason: reason}, nil
	}
	format := opt.Format
	if format == migration.FormatAuto {
		format = guessFormat(p, text)
	}
	if format == migration.FormatAuto {
		format = migration.FormatSQL
		if f, err := Detect(fsys, path.Dir(p)); err == nil {
			format = f
		}
	}
	var conf []byte
	if format == migration.FormatFlyway {
		conf, _ = safefs.ReadFile(fsys, p+".conf", migration.DefaultMaxFileSize)
	}
	return buildOne(format, p, text, conf), nil, nil
}

// FromText builds a migration from text that is not on disk (an editor
// buffer, --stdin). With FormatAuto the format is guessed from the path
// and the text.
func FromText(p string, text []byte, format migration.Format) *migration.Migration {
	p = filepath.ToSlash(p)
	if format == migration.FormatAuto {
		format = guessFormat(p, text)
	}
	if format == migration.FormatAuto {
		format = migration.FormatSQL
		if path.Base(path.Dir(p)) == "deploy" {
			format = migration.FormatSqitch
		}
	}
	return buildOne(format, p, text, nil)
}

// guessFormat tells a file's format from what it shows by itself, or
// FormatAuto when it shows nothing particular.
func guessFormat(p string, text []byte) migration.Format {
	base := path.Base(p)
	switch {
	case base == "migration.sql" && prismaDirName.MatchString(path.Base(path.Dir(p))):
		return migration.FormatPrisma
	case hasGooseMarker(text):
		return migration.FormatGoose
	case hasDbmateMarker(text):
		return migration.FormatDbmate
	case golangMigrateName.MatchString(base):
		return migration.FormatGolangMigrate
	}
	if _, _, _, ok := flywayParts(base); ok {
		return migration.FormatFlyway
	}
	return migration.FormatAuto
}

// buildOne builds the migration of one file in the given format.
func buildOne(format migration.Format, p string, text []byte, flywayConf []byte) *migration.Migration {
	if f, ok := sqlFormats[format]; ok {
		return f.file(p, text, flywayConf)
	}
	return plainMigration(p, text)
}
