package migrations

import (
	"fmt"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"io/fs"
	"path"
	"sort"
)

// headSize is how much of each file detection reads: tools' markers sit
// in the first lines.
const headSize = 4096

// listing is one directory's entries.
type listing struct {
	dir   string
	files []string // names of entries that are not directories, sorted
	dirs  []string // names of subdirectories, sorted
}

func (l listing) has(name string) bool {
	i := sort.SearchStrings(l.files, name)
	return i < len(l.files) && l.files[i] == name
}

func (l listing) sqlFiles() []string {
	var out []string
	for _, f := range l.files {
		if isSQL(f) {
			out = append(out, f)
		}
	}
	return out
}

// openDir checks that dir is a readable directory of fsys and lists it.
// Its errors are one line naming the directory.
func openDir(fsys fs.FS, dir string) (listing, error) {
	if err := migration.CheckDir(fsys, dir); err != nil {
		return listing{}, err
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return listing{}, fmt.Errorf("migrations directory %s: %s", dir, migration.ReadReason(err))
	}
	l := listing{dir: dir}
	for _, e := range entries {
		if e.IsDir() {
			l.dirs = append(l.dirs, e.Name())
		} else {
			l.files = append(l.files, e.Name())
		}
	}
	sort.Strings(l.files)
	sort.Strings(l.dirs)
	return l, nil
}

// Detect tells which tool's layout the directory dir of fsys follows.
// Mixed or unknown layouts are FormatSQL.
func Detect(fsys fs.FS, dir string) (migration.Format, error) {
	dir = path.Clean(dir)
	l, err := openDir(fsys, dir)
	if err != nil {
		return migration.FormatAuto, err
	}
	return detect(fsys, l, nil), nil
}

// detect decides the format of listing l; texts, when not nil, are the
// files' contents already read (readTexts), which spares reading their
// first bytes again.
func detect(fsys fs.FS, l listing, texts map[string]fileText) migration.Format {
	if _, ok := findSqitch(fsys, l); ok {
		return migration.FormatSqitch
	}
	if l.has("migration_lock.toml") {
		return migration.FormatPrisma
	}
	sqlFiles := l.sqlFiles()
	if len(sqlFiles) == 0 {
		if prismaDirs(fsys, l) > 0 {
			return migration.FormatPrisma
		}
		if flywayBelow(fsys, l.dir) {
			return migration.FormatFlyway
		}
		return migration.FormatSQL
	}
	votes := map[migration.Format]int{}
	for _, name := range sqlFiles {
		// Content markers first: a goose or dbmate file may have any name.
		p := path.Join(l.dir, name)
		h := texts[p].head()
		if h == nil {
			h = migration.ReadHead(fsys, p, headSize)
		}
		switch {
		case hasGooseMarker(h):
			votes[migration.FormatGoose]++
		case hasDbmateMarker(h):
			votes[migration.FormatDbmate]++
		case golangMigrateName.MatchString(name):
			votes[migration.FormatGolangMigrate]++
		default:
			if _, _, _, ok := flywayParts(name); ok || flywayCallback.MatchString(name) {
				votes[migration.FormatFlyway]++
			}
		}
	}
	return vote(votes, len(sqlFiles))
}

// vote picks the one format that at least half the files show; none or
// several make the directory plain SQL.
func vote(votes map[migration.Format]int, total int) migration.Format {
	if len(votes) != 1 {
		return migration.FormatSQL
	}
	for f, n := range votes {
		if 2*n >= total {
			return f
		}
	}
	return migration.FormatSQL
}

// prismaDirs counts timestamped subdirectories holding a migration.sql.
func prismaDirs(fsys fs.FS, l listing) int {
	n := 0
	for _, d := range l.dirs {
		if !prismaDirName.MatchString(d) {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(l.dir, d, "migration.sql")); err == nil {
			n++
		}
	}
	return n
}

// flywayBelow reports whether the subdirectories of dir hold Flyway
// migrations (Flyway scans its locations recursively).
func flywayBelow(fsys fs.FS, dir string) bool {
	votes := map[migration.Format]int{}
	total := 0
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		// An entry that cannot be read is left out of the vote; the walk
		// goes on.
		if err == nil && !d.IsDir() && isSQL(d.Name()) {
			total++
			if _, _, _, ok := flywayParts(d.Name()); ok {
				votes[migration.FormatFlyway]++
			}
		}
		return nil
	})
	return total > 0 && vote(votes, total) == migration.FormatFlyway
}
