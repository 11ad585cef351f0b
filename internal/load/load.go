// Package load reads the migrations a command is pointed at, whatever
// their format: SQL migration files are parsed, Rails, Django and Alembic
// migrations translated. It is the one way in for lint, check and the
// editor; package lint only runs rules on what it is given.
package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/frameworks"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

// Options say how to read migrations.
type Options struct {
	Format      migrations.Format
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

func (o Options) excluded(p string) bool {
	p = filepath.ToSlash(filepath.Clean(p))
	for _, pat := range o.Exclude {
		if scan.Match(pat, p, false) {
			return true
		}
	}
	return false
}

// maxSize is the file size limit, for every kind of file.
func (o Options) maxSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return migrations.DefaultMaxFileSize
}

func (o Options) migrations() migrations.Options {
	return migrations.Options{Format: o.Format, IncludeDown: o.IncludeDown, MaxFileSize: o.MaxFileSize}
}

// Problem is a path that could not be read; it makes a run exit 2 after
// the other files are reported.
type Problem struct {
	Path string
	Err  string
}

func (p Problem) Error() string { return p.Path + ": " + p.Err }

// Loaded is what reading the paths gave.
type Loaded struct {
	Units    []*lint.Unit
	Problems []Problem
	Files    map[string]*source.File
}

// Paths reads files and directories. A directory is read with its format
// (framework directories translated as a whole); a file on its own. Paths
// keep the spelling the user gave so findings point where they expect.
func Paths(paths []string, opt Options) *Loaded {
	out := &Loaded{Files: map[string]*source.File{}}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			out.Problems = append(out.Problems, Problem{p, describeErr(err)})
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

func (l *Loaded) dir(p string, opt Options) {
	set, err := frameworks.Discover(safefs.Within(p), ".", opt.migrations(), opt.PGVersion, opt.Base)
	if err != nil {
		l.Problems = append(l.Problems, Problem{p, err.Error()})
		return
	}
	for _, s := range set.Skipped {
		l.skipped(filepath.ToSlash(filepath.Join(p, s.Path)), s.Reason)
	}
	if len(set.Migrations) == 0 && len(set.Skipped) == 0 {
		l.Problems = append(l.Problems, Problem{p, "no migrations found (looked for SQL, Rails, Django and Alembic migrations and migrations written in Go, TypeScript or JavaScript; use --migration-format to force a format)"})
	}
	for _, u := range set.Units() {
		rebase(u, p)
		if opt.excluded(u.Migration.Path) {
			continue
		}
		l.add(u)
	}
}

func (l *Loaded) file(p string, opt Options) {
	dir, base := filepath.Split(p)
	if dir == "" {
		dir = "."
	}
	if fw := frameworkOf(p, opt); fw != nil {
		// A framework migration needs its siblings: the translator
		// replays every earlier migration of the directory.
		set, err := frameworks.Discover(safefs.Within(dir), ".", migrations.Options{Format: fw.Format(), MaxFileSize: opt.MaxFileSize}, opt.PGVersion, opt.Base)
		if err == nil {
			// Every migration of the file (a Go migration list holds
			// several).
			found := false
			for _, u := range set.Units() {
				if u.Migration.Path == base {
					rebase(u, dir)
					u.Migration.Path, u.Migration.File.Path = filepath.ToSlash(p), filepath.ToSlash(p)
					l.add(u)
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
			l.Problems = append(l.Problems, Problem{p, fmt.Sprintf("larger than %d bytes (--max-file-size)", opt.maxSize())})
		case err != nil:
			l.Problems = append(l.Problems, Problem{p, describeErr(err)})
		default:
			l.add(frameworks.Text(filepath.ToSlash(p), text, fw.Format(), opt.PGVersion))
		}
		return
	}
	m, skipped, err := migrations.LoadFile(safefs.Within(dir), base, opt.migrations())
	switch {
	case err != nil:
		l.Problems = append(l.Problems, Problem{p, strings.TrimPrefix(err.Error(), base+": ")})
	case skipped != nil:
		l.skipped(p, skipped.Reason)
	case m != nil:
		m.Path = filepath.ToSlash(p)
		m.File.Path = m.Path
		l.add(&lint.Unit{Migration: m})
	}
}

func frameworkOf(p string, opt Options) migrations.Framework {
	forced := opt.Format
	if forced.IsFramework() {
		return frameworks.ByFormat(forced)
	}
	if forced != migrations.FormatAuto {
		return nil
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
		return frameworks.ForFile(p, text)
	}
	return nil
}

// Text reads text that is not on disk (an editor buffer, --stdin).
func Text(p string, text []byte, opt Options) (*Loaded, error) {
	if reason := migrations.TextProblem(text); reason != "" && !strings.Contains(reason, "empty") {
		return nil, fmt.Errorf("%s: %s", p, reason)
	}
	out := &Loaded{Files: map[string]*source.File{}}
	out.add(frameworks.Text(filepath.ToSlash(p), text, opt.Format, opt.PGVersion))
	return out, nil
}

func (l *Loaded) add(u *lint.Unit) {
	l.Units = append(l.Units, u)
	l.Files[u.Migration.Path] = u.Migration.File
}

// skipped sorts out a file the reader passed over. A file that could not
// be read as text (binary, not UTF-8, too large, unreadable) is a problem
// that makes the run exit 2. An empty file, or a file the migration tool
// would ignore (a misnamed migration, one not in sqitch.plan), is a
// migration-format finding: harmless to run, but often a mistake. Files
// the tool uses for something else (Flyway callbacks) are fine.
func (l *Loaded) skipped(p, reason string) {
	switch {
	case Unreadable(reason):
		l.Problems = append(l.Problems, Problem{p, reason})
	case strings.Contains(reason, "callback"):
	default:
		msg := reason
		if strings.Contains(reason, "empty") {
			msg = "the migration file is empty"
		}
		f := source.NewFile(p, nil)
		m := &migrations.Migration{Path: p, File: f, Format: migrations.FormatSQL,
			Problems: []migrations.Problem{{Span: f.Span(0, 0), Message: msg}}}
		l.add(&lint.Unit{Migration: m})
	}
}

// Unreadable reports whether a skip reason means the file could not be
// read as text at all.
func Unreadable(reason string) bool {
	for _, s := range []string{"binary", "UTF-8", "UTF-16", "larger than", "cannot read"} {
		if strings.Contains(reason, s) {
			return true
		}
	}
	return false
}

func rebase(u *lint.Unit, dir string) {
	p := filepath.ToSlash(filepath.Join(dir, u.Migration.Path))
	u.Migration.Path = p
	u.Migration.File.Path = p
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
