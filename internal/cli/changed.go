package cli

import (
	"os"
	"path/filepath"

	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

// changedSet is the files of the work tree added or modified since a git
// revision (lint --changed-from), as absolute paths with symlinks
// resolved, so they compare with the paths lint prints whatever the
// working directory.
type changedSet struct {
	paths map[string]bool
	wd    string // the working directory, symlinks resolved
}

func changedSince(rev string) (*changedSet, error) {
	repo, err := gitrev.Open(".")
	if err != nil {
		return nil, err
	}
	changes, err := repo.ChangedSince(rev)
	if err != nil {
		return nil, err
	}
	top := realPath(repo.Dir)
	set := &changedSet{paths: map[string]bool{}}
	if wd, err := os.Getwd(); err == nil {
		set.wd = realPath(wd)
	}
	for _, c := range changes {
		set.paths[filepath.Join(top, filepath.FromSlash(c.Path))] = true
	}
	return set, nil
}

func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// has reports whether path (as lint prints it: relative to the working
// directory, or absolute) was added or modified.
func (s *changedSet) has(path string) bool {
	p := filepath.FromSlash(path)
	if !filepath.IsAbs(p) {
		p = filepath.Join(s.wd, p)
	}
	if s.paths[filepath.Clean(p)] {
		return true
	}
	return s.paths[filepath.Join(realPath(filepath.Dir(p)), filepath.Base(p))]
}

// keep returns the findings in changed files (and those about no file,
// which are about the run), and how many of the migrations changed.
func (s *changedSet) keep(findings []rules.Finding, ms []*migration.Migration) ([]rules.Finding, int) {
	var out []rules.Finding
	for _, f := range findings {
		if f.File == "" || s.has(f.File) {
			out = append(out, f)
		}
	}
	n := 0
	for _, m := range ms {
		if s.has(m.Path) {
			n++
		}
	}
	return out, n
}
