// Package gitrev reads the files of any git revision without checking it
// out, and lists what changed between two revisions. It shells out to the
// git binary: the user's own git already knows their repository layout,
// credentials, alternates and partial-clone settings.
package gitrev

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// ErrNotRepository is returned by Open when the directory is not inside a
// git repository.
var ErrNotRepository = errors.New("not a git repository")

// ErrMissingRevision is matched (with errors.Is) by every error that says a
// revision is not in the local repository. The concrete error is a
// *MissingRevisionError whose message says how to fetch it.
var ErrMissingRevision = errors.New("revision not found")

// ErrNoMergeBase is matched by the error of MergeBase when the two
// revisions share no history (or the shared part is cut off by a shallow
// clone).
var ErrNoMergeBase = errors.New("no common ancestor")

// Repo is a git repository on disk.
type Repo struct {
	// Dir is the top level of the work tree, or the git directory itself
	// for a bare repository (or when opened from inside .git).
	Dir string

	// Each git command costs a process: what cannot change is asked once.
	mu      sync.Mutex
	commits map[string]bool // full commit ids resolved: an id names its commit forever
	partial *bool           // whether the repository is a partial clone
}

// Open returns the repository that contains dir. Dir of the result is the
// top level of the work tree, so paths from FS and ChangedFiles are
// relative to it whatever subdirectory dir was.
func Open(dir string) (*Repo, error) {
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("gitrev: %s: %w", dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("gitrev: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("gitrev: %s: not a directory", abs)
	}
	r := &Repo{Dir: abs}
	out, err := r.output("rev-parse", "--is-inside-work-tree", "--absolute-git-dir")
	if err != nil {
		var ge *GitError
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "not a git repository") {
			return nil, fmt.Errorf("gitrev: %s: %w (nor is any parent directory)", abs, ErrNotRepository)
		}
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return nil, fmt.Errorf("gitrev: %s: unexpected output of git rev-parse: %q", abs, out)
	}
	if lines[0] != "true" {
		// Bare repository, or dir is inside .git: there is no work tree.
		return &Repo{Dir: lines[1]}, nil
	}
	top, err := r.output("rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	return &Repo{Dir: strings.TrimSpace(string(top))}, nil
}

// Resolve returns the full id of the commit that rev names (a branch, tag,
// commit id, HEAD~2, ...). When the revision is not in the local repository
// the error matches ErrMissingRevision and says how to fetch it.
func (r *Repo) Resolve(rev string) (string, error) {
	r.mu.Lock()
	known := r.commits[rev]
	r.mu.Unlock()
	if known {
		return rev, nil
	}
	if id, ok, err := r.peel(rev, "commit"); ok || err != nil {
		if err == nil {
			r.mu.Lock()
			if r.commits == nil {
				r.commits = map[string]bool{}
			}
			r.commits[id] = true
			r.mu.Unlock()
		}
		return id, err
	}
	// The name may exist but point at something other than a commit.
	if typ, err := r.output("cat-file", "-t", rev); err == nil {
		return "", fmt.Errorf("gitrev: revision %q is a %s, not a commit", rev, strings.TrimSpace(string(typ)))
	}
	return "", r.missing(rev)
}

// peel is the id of the object of the type kind ("commit", "tree") that
// rev names; ok is false, without an error, when git finds none.
func (r *Repo) peel(rev, kind string) (id string, ok bool, err error) {
	if err := checkRev(rev); err != nil {
		return "", false, err
	}
	out, err := r.output("rev-parse", "--verify", "--quiet", rev+"^{"+kind+"}")
	if err == nil {
		return strings.TrimSpace(string(out)), true, nil
	}
	if !exitCode(err, 1) {
		return "", false, err
	}
	return "", false, nil
}

// TreeID returns the id of the tree of rev: two revisions with the same
// tree have the same files, so it is the cache key of a revision's content.
func (r *Repo) TreeID(rev string) (string, error) {
	if id, ok, err := r.peel(rev, "tree"); ok || err != nil {
		return id, err
	}
	if _, err := r.Resolve(rev); err != nil {
		return "", err
	}
	return "", fmt.Errorf("gitrev: revision %q has no tree", rev)
}

// Head returns the commit id that HEAD points at.
func (r *Repo) Head() (string, error) {
	out, err := r.output("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	if exitCode(err, 1) {
		return "", fmt.Errorf("gitrev: %s: HEAD has no commit yet (empty repository?)", r.Dir)
	}
	return "", err
}

// MergeBase returns the best common ancestor of a and b. When there is
// none the error matches ErrNoMergeBase; in a shallow clone it suggests
// fetching more history, since the ancestor may just be cut off.
func (r *Repo) MergeBase(a, b string) (string, error) {
	ca, err := r.Resolve(a)
	if err != nil {
		return "", err
	}
	cb, err := r.Resolve(b)
	if err != nil {
		return "", err
	}
	out, err := r.output("merge-base", ca, cb)
	if err == nil {
		return strings.TrimSpace(string(out)), nil
	}
	if !exitCode(err, 1) {
		return "", err
	}
	if shallow, _ := r.IsShallow(); shallow {
		remote := r.remoteName()
		return "", fmt.Errorf("gitrev: %w of %q and %q in this shallow clone; fetch more history with %q or %q",
			ErrNoMergeBase, a, b, "git fetch --deepen=100 "+remote, "git fetch --unshallow "+remote)
	}
	return "", fmt.Errorf("gitrev: %w of %q and %q: they share no history", ErrNoMergeBase, a, b)
}

// IsShallow reports whether the repository is a shallow clone, whose
// older history is not present locally.
func (r *Repo) IsShallow() (bool, error) {
	out, err := r.output("rev-parse", "--is-shallow-repository")
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(out)) == "true", nil
}

// MissingRevisionError says that a revision is not in the local repository
// and how to fetch it.
type MissingRevisionError struct {
	Rev     string
	Dir     string
	Shallow bool   // the repository is a shallow clone
	Remote  string // remote the fetch advice names
}

func (e *MissingRevisionError) Error() string {
	if e.Shallow {
		msg := fmt.Sprintf("gitrev: revision %q not found in %s, a shallow clone: fetch more history with %q (repeat as needed) or all of it with %q",
			e.Rev, e.Dir, "git fetch --deepen=100 "+e.Remote, "git fetch --unshallow "+e.Remote)
		if !looksLikeID(e.Rev) {
			msg += fmt.Sprintf(", or fetch the ref itself with %q", "git fetch "+e.Remote+" "+shellQuote(e.remoteRef()))
		}
		return msg
	}
	return fmt.Sprintf("gitrev: revision %q not found in %s: fetch it with %q",
		e.Rev, e.Dir, "git fetch "+e.Remote+" "+shellQuote(e.remoteRef()))
}

// remoteRef is the name to ask the remote for: "origin/main" and
// "refs/remotes/origin/main" are "main" on origin itself.
func (e *MissingRevisionError) remoteRef() string {
	ref := strings.TrimPrefix(e.Rev, "refs/remotes/")
	if name, ok := strings.CutPrefix(ref, e.Remote+"/"); ok && name != "" {
		return name
	}
	return e.Rev
}

// Is makes errors.Is(err, ErrMissingRevision) true.
func (e *MissingRevisionError) Is(target error) bool { return target == ErrMissingRevision }

func (r *Repo) missing(rev string) error {
	shallow, _ := r.IsShallow()
	return &MissingRevisionError{Rev: rev, Dir: r.Dir, Shallow: shallow, Remote: r.remoteName()}
}

// remoteName picks the remote to name in fetch advice: origin when it
// exists (or nothing is configured), else the only or first remote.
func (r *Repo) remoteName() string {
	out, err := r.output("remote")
	if err != nil {
		return "origin"
	}
	names := strings.Fields(string(out))
	for _, n := range names {
		if n == "origin" {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "origin"
}

// checkRev rejects revisions git would parse as an option: git 2.39's
// rev-parse does not honour --end-of-options.
func checkRev(rev string) error {
	switch {
	case rev == "":
		return errors.New("gitrev: empty revision")
	case strings.HasPrefix(rev, "-"):
		return fmt.Errorf("gitrev: invalid revision %q: must not start with '-'", rev)
	case strings.ContainsAny(rev, "\x00\n"):
		return fmt.Errorf("gitrev: invalid revision %q", rev)
	}
	return nil
}

func looksLikeID(rev string) bool {
	if len(rev) < 7 || len(rev) > 64 {
		return false
	}
	for _, c := range rev {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// plainly safe characters, so fetch advice can be pasted as is.
func shellQuote(s string) string {
	safe := true
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.ContainsRune("-_./~^:@+=,", c)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// GitError is a failed git command: its subcommand, exit code and the
// first line git wrote to stderr.
type GitError struct {
	Command  string // "rev-parse", "ls-tree", ...
	ExitCode int    // -1 when git did not run or was killed
	Stderr   string // first non-empty line of stderr
	Err      error
}

func (e *GitError) Error() string {
	if e.Stderr != "" {
		return "git " + e.Command + ": " + e.Stderr
	}
	return "git " + e.Command + ": " + e.Err.Error()
}

func (e *GitError) Unwrap() error { return e.Err }

func exitCode(err error, code int) bool {
	var ge *GitError
	return errors.As(err, &ge) && ge.ExitCode == code
}

// command prepares git in r.Dir with an environment that never prompts,
// speaks plain C-locale English and prints paths unquoted.
//
// The context is Background because Repo serves io/fs, whose methods take
// none; git runs locally and the long-lived cat-file ends on Close.
func (r *Repo) command(args ...string) *exec.Cmd {
	cmd := exec.CommandContext(context.Background(), "git", append([]string{"-c", "core.quotepath=off"}, args...)...)
	cmd.Dir = r.Dir
	cmd.Env = gitEnv()
	return cmd
}

// gitEnv is the process environment without the variables that point git
// at another repository (set when running inside a git hook, they would
// override Dir), plus the fixed settings.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR",
			"GIT_TERMINAL_PROMPT", "LC_ALL", "GIT_OPTIONAL_LOCKS":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0")
}

// output runs git and returns its stdout; a failure is a *GitError.
func (r *Repo) output(args ...string) ([]byte, error) {
	cmd := r.command(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, newGitError(args[0], stderr.Bytes(), err)
	}
	return out, nil
}

func newGitError(sub string, stderr []byte, err error) error {
	ge := &GitError{Command: sub, ExitCode: -1, Stderr: firstLine(stderr), Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		ge.ExitCode = ee.ExitCode()
	} else if errors.Is(err, exec.ErrNotFound) {
		ge.Err = errors.New("git is not installed or not on PATH")
	}
	return ge
}

func firstLine(b []byte) string {
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}
