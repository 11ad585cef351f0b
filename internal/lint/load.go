package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// LoadOptions say how to read migration paths.
type LoadOptions struct {
	Format      migrations.Format
	IncludeDown bool
	MaxFileSize int64
}

// Problem is a path that could not be linted; it makes the run exit 2
// after the other files are reported.
type Problem struct {
	Path string
	Err  string
}

func (p Problem) Error() string { return p.Path + ": " + p.Err }

// Loaded is what reading the command-line paths gave.
type Loaded struct {
	Units    []*Unit
	Problems []Problem
	Files    map[string]*source.File
}

// LoadPaths reads files and directories as migrations. A directory is
// discovered with its format; a file is read on its own. Paths keep the
// spelling the user gave so that findings point where they expect.
func LoadPaths(paths []string, opt LoadOptions) *Loaded {
	out := &Loaded{Files: map[string]*source.File{}}
	mopt := migrations.Options{Format: opt.Format, IncludeDown: opt.IncludeDown, MaxFileSize: opt.MaxFileSize}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			out.Problems = append(out.Problems, Problem{p, describeErr(err)})
			continue
		}
		if st.IsDir() {
			set, err := migrations.Discover(os.DirFS(p), ".", mopt)
			if err != nil {
				out.Problems = append(out.Problems, Problem{p, err.Error()})
				continue
			}
			for _, s := range set.Skipped {
				out.skipped(filepath.ToSlash(filepath.Join(p, s.Path)), s.Reason)
			}
			if len(set.Migrations) == 0 && len(set.Skipped) == 0 {
				out.Problems = append(out.Problems, Problem{p, "no migrations found (looked for .sql migration files; use --migration-format to force a format)"})
			}
			for _, m := range set.Migrations {
				out.add(rebase(m, p))
			}
			continue
		}
		dir, base := filepath.Split(p)
		if dir == "" {
			dir = "."
		}
		m, skipped, err := migrations.LoadFile(os.DirFS(dir), base, mopt)
		switch {
		case err != nil:
			out.Problems = append(out.Problems, Problem{p, strings.TrimPrefix(err.Error(), base+": ")})
		case skipped != nil:
			out.skipped(p, skipped.Reason)
		case m != nil:
			m.Path = filepath.ToSlash(p)
			m.File.Path = m.Path
			out.add(m)
		}
	}
	return out
}

// LoadText lints text that is not on disk (an editor buffer, --stdin).
func LoadText(path string, text []byte, format migrations.Format) (*Loaded, error) {
	if reason := migrations.TextProblem(text); reason != "" && !strings.Contains(reason, "empty") {
		return nil, fmt.Errorf("%s: %s", path, reason)
	}
	out := &Loaded{Files: map[string]*source.File{}}
	out.add(migrations.FromText(filepath.ToSlash(path), text, format))
	return out, nil
}

func (l *Loaded) add(m *migrations.Migration) {
	l.Units = append(l.Units, &Unit{Migration: m})
	l.Files[m.Path] = m.File
}

// skipped sorts out a file the reader passed over. A file that could not
// be read as text (binary, not UTF-8, too large, unreadable) is a problem
// that makes the run exit 2. An empty file, or a .sql file the migration
// tool would ignore (a misnamed migration, a file not in sqitch.plan), is
// a migration-format finding: harmless to run, but often a mistake.
// Files the tool uses for something else (Flyway callbacks) are fine.
func (l *Loaded) skipped(path, reason string) {
	switch {
	case unreadable(reason):
		l.Problems = append(l.Problems, Problem{path, reason})
	case strings.Contains(reason, "callback"):
	default:
		msg := reason
		if strings.Contains(reason, "empty") {
			msg = "the migration file is empty"
		}
		f := source.NewFile(path, nil)
		m := &migrations.Migration{Path: path, File: f, Format: migrations.FormatSQL,
			Problems: []migrations.Problem{{Span: f.Span(0, 0), Message: msg}}}
		l.add(m)
	}
}

func unreadable(reason string) bool {
	for _, s := range []string{"binary", "UTF-8", "UTF-16", "larger than", "cannot read"} {
		if strings.Contains(reason, s) {
			return true
		}
	}
	return false
}

func rebase(m *migrations.Migration, dir string) *migrations.Migration {
	p := filepath.ToSlash(filepath.Join(dir, m.Path))
	m.Path = p
	m.File.Path = p
	return m
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

// FailingFindings counts the findings at or above a severity.
func FailingFindings(fs []rules.Finding, fails func(rules.Severity) bool) int {
	n := 0
	for _, f := range fs {
		if fails(f.Severity) {
			n++
		}
	}
	return n
}
