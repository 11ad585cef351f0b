package migrations

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// PathOptions say how to read the migrations named on a command line.
type PathOptions struct {
	Format      migration.Format
	IncludeDown bool
	MaxFileSize int64
	PGVersion   int
	// Base is the schema before the first migration (a schema dump), for
	// translators that resolve names against it.
	Base *catalog.Catalog
	// Exclude are path globs (config exclude:) whose files are not
	// linted, matched against the path as given.
	Exclude []string
}

func (o PathOptions) excluded(p string) bool {
	p = filepath.ToSlash(filepath.Clean(p))
	for _, pat := range o.Exclude {
		if scan.Match(pat, p, false) {
			return true
		}
	}
	return false
}

// maxSize is the file size limit, for every kind of file.
func (o PathOptions) maxSize() int64 { return migration.Limit(o.MaxFileSize) }

func (o PathOptions) migrations() migration.Options {
	return migration.Options{Format: o.Format, IncludeDown: o.IncludeDown, MaxFileSize: o.MaxFileSize}
}

func (o PathOptions) translate() migration.TranslateOptions {
	return migration.TranslateOptions{PGVersion: o.PGVersion, Catalog: o.Base}
}

// ReadError is a path that could not be read; it makes a run exit 2
// after the other files are reported.
type ReadError struct {
	Path string
	Err  string
}

func (p ReadError) Error() string { return p.Path + ": " + p.Err }

// Loaded is what reading the paths gave.
type Loaded struct {
	Migrations []*migration.Migration
	Problems   []ReadError
	Files      map[string]*source.File
}

// Paths reads files and directories. A directory is read with its format
// (framework directories translated as a whole); a file on its own. Paths
// keep the spelling the user gave so findings point where they expect.
func Paths(paths []string, opt PathOptions) *Loaded {
	out := &Loaded{Files: map[string]*source.File{}}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			out.Problems = append(out.Problems, ReadError{p, describeErr(err)})
			continue
		}
		if st.IsDir() {
			out.dir(p, opt)
			continue
		}
		if opt.excluded(p) {
			continue
		}
		out.file(p, opt)
	}
	return out
}

func (l *Loaded) dir(p string, opt PathOptions) {
	set, err := readDir(safefs.Within(p), ".", opt.migrations(), nil)
	if err != nil {
		l.Problems = append(l.Problems, ReadError{p, err.Error()})
		return
	}
	translate([]*dirSet{set}, opt.translate(), nil)
	for _, s := range set.Skipped {
		l.skipped(filepath.ToSlash(filepath.Join(p, s.Path)), s.Reason)
	}
	if len(set.Migrations) == 0 && len(set.Skipped) == 0 {
		l.Problems = append(l.Problems, ReadError{p, "no migrations found (looked for SQL, Rails, Django and Alembic migrations and migrations written in Go, TypeScript or JavaScript; use --migration-format to force a format)"})
	}
	for _, m := range set.Migrations {
		rebase(m, p)
		if opt.excluded(m.Path) {
			continue
		}
		l.add(m)
	}
}

func (l *Loaded) file(p string, opt PathOptions) {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	if fw := frameworkOfPath(p, opt); fw != nil {
		// A framework migration needs its siblings: the translator
		// replays every earlier migration of the directory.
		set, err := readDir(safefs.Within(dir), ".", migration.Options{Format: fw.Format(), MaxFileSize: opt.MaxFileSize}, nil)
		if err == nil {
			translate([]*dirSet{set}, opt.translate(), nil)
			// Every migration of the file (a Go migration list holds
			// several).
			found := false
			for _, m := range set.Migrations {
				if m.Path == base {
					m.Path, m.File.Path = filepath.ToSlash(p), filepath.ToSlash(p)
					l.add(m)
					found = true
				}
			}
			if found {
				return
			}
		}
		// Not found among them (skipped, or not named like a migration):
		// read it alone, within the same limits.
		text, err := safefs.ReadFile(safefs.Within(dir), base, opt.maxSize())
		switch {
		case safefs.SkipReason(err) != "":
			l.skipped(p, safefs.SkipReason(err))
		case errors.Is(err, safefs.ErrTooLarge):
			l.Problems = append(l.Problems, ReadError{p, fmt.Sprintf("larger than %d bytes (--max-file-size)", opt.maxSize())})
		case err != nil:
			l.Problems = append(l.Problems, ReadError{p, describeErr(err)})
		default:
			l.add(fromText(filepath.ToSlash(p), text, fw.Format(), opt.PGVersion, opt.Base))
		}
		return
	}
	m, skipped, err := LoadFile(safefs.Within(dir), base, opt.migrations())
	switch {
	case err != nil:
		l.Problems = append(l.Problems, ReadError{p, strings.TrimPrefix(err.Error(), base+": ")})
	case skipped != nil:
		l.skipped(p, skipped.Reason)
	case m != nil:
		m.Path = filepath.ToSlash(p)
		m.File.Path = m.Path
		l.add(m)
	}
}

// frameworkOfPath is the framework of a file named on the command line:
// the forced one, or what its extension and text show.
func frameworkOfPath(p string, opt PathOptions) migration.Framework {
	if forced := opt.Format; forced != migration.FormatAuto {
		return frameworkOf(forced)
	}
	switch filepath.Ext(p) {
	case ".rb", ".py", ".go", ".ts", ".js", ".mjs", ".cjs", ".mts", ".cts":
		dir, base := filepath.Split(p)
		if dir == "" {
			dir = "."
		}
		text, err := safefs.ReadFile(safefs.Within(dir), base, opt.maxSize())
		if err != nil {
			return nil // read again as a file, which says what is wrong
		}
		return frameworkOfFile(p, text)
	}
	return nil
}

// Text reads text that is not on disk (an editor buffer, --stdin).
func Text(p string, text []byte, opt PathOptions) (*Loaded, error) {
	if reason := migration.TextProblem(text); reason != "" && !strings.Contains(reason, "empty") {
		return nil, fmt.Errorf("%s: %s", p, reason)
	}
	out := &Loaded{Files: map[string]*source.File{}}
	out.add(fromText(filepath.ToSlash(p), text, opt.Format, opt.PGVersion, opt.Base))
	return out, nil
}

func (l *Loaded) add(m *migration.Migration) {
	l.Migrations = append(l.Migrations, m)
	l.Files[m.Path] = m.File
}

// Skip records a file the reader passed over (see skipped).
func (l *Loaded) Skip(p, reason string) { l.skipped(p, reason) }

// skipped sorts out a file the reader passed over. A file that could not
// be read as text (binary, not UTF-8, too large, unreadable) is a problem
// that makes the run exit 2. An empty file, or a file the migration tool
// would ignore (a misnamed migration, one not in sqitch.plan), is a
// migration-format finding: harmless to run, but often a mistake. Files
// the tool uses for something else (Flyway callbacks) are fine.
func (l *Loaded) skipped(p, reason string) {
	switch {
	case migration.Unreadable(reason):
		l.Problems = append(l.Problems, ReadError{p, reason})
	case strings.Contains(reason, "callback"):
	default:
		msg := reason
		if strings.Contains(reason, "empty") {
			msg = "the migration file is empty"
		}
		f := source.NewFile(p, nil)
		l.add(&migration.Migration{Path: p, File: f, Format: migration.FormatSQL,
			Problems: []migration.Problem{{Span: f.Span(0, 0), Message: msg}}})
	}
}

func rebase(m *migration.Migration, dir string) {
	p := filepath.ToSlash(filepath.Join(dir, m.Path))
	m.Path = p
	m.File.Path = p
}

func describeErr(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
