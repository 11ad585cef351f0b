package gitrev

import (
	"bytes"
	"fmt"
	"strconv"
)

// Status is how a path changed between two revisions.
type Status byte

// The statuses ChangedFiles reports. A change of type (file to symlink,
// say) is reported as Modified.
const (
	Added    Status = 'A'
	Modified Status = 'M'
	Deleted  Status = 'D'
	Renamed  Status = 'R'
)

func (s Status) String() string {
	switch s {
	case Added:
		return "added"
	case Modified:
		return "modified"
	case Deleted:
		return "deleted"
	case Renamed:
		return "renamed"
	}
	return fmt.Sprintf("Status(%q)", byte(s))
}

// Change is one changed path. Path is the path in the newer revision (the
// old one for Deleted); OldPath is set for Renamed only.
type Change struct {
	Status     Status
	Path       string
	OldPath    string
	Similarity int // for Renamed: git's similarity index, 0-100
}

// ChangedFiles lists the files that differ between revisions from and to,
// with renames detected (git diff -M), in git's path order.
func (r *Repo) ChangedFiles(from, to string) ([]Change, error) {
	a, err := r.Resolve(from)
	if err != nil {
		return nil, err
	}
	b, err := r.Resolve(to)
	if err != nil {
		return nil, err
	}
	// diff-tree is the plumbing form of git diff: user diff settings
	// (diff.relative, external drivers) do not change its output.
	out, err := r.output("diff-tree", "-r", "-z", "-M", "--name-status", "--no-commit-id", a, b)
	if err != nil {
		return nil, err
	}
	return parseNameStatus(out)
}

// parseNameStatus reads `--name-status -z` output: a status field, then one
// path (two for renames and copies), every field NUL-terminated.
func parseNameStatus(out []byte) ([]Change, error) {
	var changes []Change
	next := func() (string, bool) {
		i := bytes.IndexByte(out, 0)
		if i < 0 {
			return "", false
		}
		f := string(out[:i])
		out = out[i+1:]
		return f, true
	}
	for len(out) > 0 {
		status, _ := next()
		if status == "" {
			return nil, fmt.Errorf("gitrev: unexpected git diff output: empty status")
		}
		path, ok := next()
		if !ok {
			return nil, fmt.Errorf("gitrev: unexpected git diff output: status %q without a path", status)
		}
		c := Change{Path: path}
		switch status[0] {
		case 'A':
			c.Status = Added
		case 'M', 'T':
			c.Status = Modified
		case 'D':
			c.Status = Deleted
		case 'R', 'C':
			newPath, ok := next()
			if !ok {
				return nil, fmt.Errorf("gitrev: unexpected git diff output: rename of %q without a new path", path)
			}
			score, _ := strconv.Atoi(status[1:])
			if status[0] == 'C' {
				// A copy leaves the source in place: to the caller it is a new file.
				c = Change{Status: Added, Path: newPath}
				break
			}
			c = Change{Status: Renamed, Path: newPath, OldPath: path, Similarity: score}
		default:
			return nil, fmt.Errorf("gitrev: unexpected git diff status %q for %q", status, path)
		}
		changes = append(changes, c)
	}
	return changes, nil
}

// ChangedSince lists the files of the work tree that were added or changed
// since revision from, whether committed, staged or not, and the untracked
// files git does not ignore (a new migration not yet added): what a
// pre-merge lint or a pre-commit hook looks at. Deleted files are left
// out; a renamed file is Added, as a migration's tool sees a new name.
// Paths are relative to r.Dir.
func (r *Repo) ChangedSince(from string) ([]Change, error) {
	commit, err := r.Resolve(from)
	if err != nil {
		return nil, err
	}
	// git diff (not diff-index) refreshes the index's stat data first, so
	// a file touched but not changed is not reported.
	out, err := r.output("diff", "--no-ext-diff", "--no-textconv", "--no-relative", "--no-renames", "--name-status", "-z", commit, "--")
	if err != nil {
		return nil, err
	}
	all, err := parseNameStatus(out)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, c := range all {
		if c.Status != Deleted {
			changes = append(changes, c)
		}
	}
	untracked, err := r.output("ls-files", "-z", "--others", "--exclude-standard", "--full-name")
	if err != nil {
		return nil, err
	}
	for _, p := range bytes.Split(untracked, []byte{0}) {
		if len(p) > 0 {
			changes = append(changes, Change{Status: Added, Path: string(p)})
		}
	}
	return changes, nil
}
