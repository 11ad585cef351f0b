package lsp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/safefs"
)

// Hooks let a linter that works in the background reach the session.
type Hooks struct {
	// Relint asks for every open document to be linted again.
	Relint func()
	// Show tells the user something once (an index is ready, check is
	// off because the revision is unknown).
	Show func(typ int, msg string)
}

// LinterOptions configure the default linter.
type LinterOptions struct {
	// Version is schemagate's version, part of the reference cache key.
	Version string
	// Cache stores reference indexes of git trees across sessions; nil
	// means the user cache directory, NoCache none at all.
	Cache   *scan.Cache
	NoCache bool
	// LintStore keeps lint findings across sessions (lintcache); nil
	// keeps none.
	LintStore lint.Store
}

// CheckLinter is the server's default linter. It lints like
// `schemagate lint`; when schemagate.yaml names the deployed revision
// (previous:) and the document is a migration of a git repository, it
// also reports what `schemagate check` reports for it: a pending
// migration is checked against the schema and the references of the
// deployed release. The references of both releases are indexed once
// per session, in the background (the deployed one from the cache when
// an earlier run indexed the same tree), and the deployed release's
// migrations are read from git once; a lint reruns check with the
// edited buffer in place of the file.
type CheckLinter struct {
	plain *PlainLinter
	opt   LinterOptions

	mu       sync.Mutex
	enabled  bool
	hooks    Hooks
	sessions map[string]*checkSession
}

// NewLinter returns the default linter.
func NewLinter(opt ...LinterOptions) *CheckLinter {
	l := &CheckLinter{plain: NewPlainLinter(), enabled: true, sessions: map[string]*checkSession{}}
	if len(opt) > 0 {
		l.opt = opt[0]
		l.plain.store = l.opt.LintStore
	}
	return l
}

// SetCheck turns check's findings on or off (the editor's "check"
// setting).
func (l *CheckLinter) SetCheck(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.enabled = on
}

// SetHooks implements the server's hook for background work.
func (l *CheckLinter) SetHooks(h Hooks) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hooks = h
}

// Close forgets every session.
func (l *CheckLinter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.sessions {
		select {
		case <-s.ready:
			s.close()
		default: // still opening: its revision's process ends when it is collected
		}
	}
	l.sessions = map[string]*checkSession{}
	return nil
}

// Invalidate implements Invalidator. A changed migration is read again
// from disk by the next lint anyway; a changed query file makes the
// working tree's index stale, and it is rebuilt in the background.
func (l *CheckLinter) Invalidate(paths []string) {
	l.plain.Invalidate(paths)
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(paths) == 0 {
		l.sessions = map[string]*checkSession{}
		return
	}
	for _, s := range l.sessions {
		for _, p := range paths {
			if within(s.repoDir, p) && !s.isMigration(p) {
				s.markStale()
				break
			}
		}
	}
}

// Lint implements Linter.
func (l *CheckLinter) Lint(ctx context.Context, in Input) (*Result, error) {
	plain, err := l.plain.Lint(ctx, in)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	enabled := l.enabled
	l.mu.Unlock()
	cfg := in.Config
	if !enabled || cfg.Previous == "" || !in.OnDisk {
		return plain, nil
	}
	if _, _, ok := migrationDir(cfg, in.Root, in.Path); !ok {
		return plain, nil
	}
	s := l.session(cfg, in)
	if s == nil {
		return plain, nil
	}
	res, err := s.check(in, plain)
	if err != nil {
		l.show(MessageWarning, fmt.Sprintf("schemagate: check against %s failed, showing lint findings only: %v", cfg.Previous, err))
		return plain, nil
	}
	return res, nil
}

func (l *CheckLinter) show(typ int, msg string) {
	l.mu.Lock()
	h := l.hooks
	l.mu.Unlock()
	if h.Show != nil {
		h.Show(typ, msg)
	}
}

func (l *CheckLinter) relint() {
	l.mu.Lock()
	h := l.hooks
	l.mu.Unlock()
	if h.Relint != nil {
		h.Relint()
	}
}

// session returns the ready check session of the document's repository
// and deployed revision, starting it in the background the first time;
// nil while it is not ready or when it failed.
func (l *CheckLinter) session(cfg *config.Config, in Input) *checkSession {
	key := cfg.Path + "\x00" + cfg.Previous
	l.mu.Lock()
	s := l.sessions[key]
	if s == nil {
		s = &checkSession{ready: make(chan struct{}), cfg: cfg, opt: l.opt}
		l.sessions[key] = s
		l.mu.Unlock()
		go func() {
			start := time.Now()
			s.err = s.open(in)
			close(s.ready)
			if s.err != nil {
				l.show(MessageWarning, "schemagate: showing lint findings only, not check's: "+s.err.Error())
				return
			}
			l.show(MessageInfo, fmt.Sprintf("schemagate: checking pending migrations against %s (references indexed in %s)", s.prevTree.Name, time.Since(start).Round(time.Millisecond)))
			l.relint()
		}()
		return nil
	}
	l.mu.Unlock()
	select {
	case <-s.ready:
	default:
		return nil
	}
	if s.err != nil {
		return nil
	}
	s.refreshStale(l.relint)
	return s
}

// checkSession is what check needs about one deployed revision, read
// once: the revision's tree (its migrations and schema are read once, kept
// by a check.Session), and the reference indexes of it and of the working
// tree, built with check's scope so that they index what check indexes.
type checkSession struct {
	cfg *config.Config
	opt LinterOptions

	ready chan struct{}
	err   error

	repoDir  string
	scope    *check.Scope
	prevTree check.Tree
	prevIdx  *refs.Index
	// check keeps the deployed release's migrations and schema between
	// saves: only the working tree is read again.
	kept *check.Session

	mu         sync.Mutex
	newIdx     *refs.Index
	stale      bool
	rebuilding bool
}

// open resolves the revision and indexes both releases' references.
func (s *checkSession) open(in Input) error {
	start := s.cfg.Root
	if start == "" {
		start = filepath.Dir(in.Path)
	}
	repo, err := gitrev.Open(start)
	if err != nil {
		return err
	}
	s.repoDir = repo.Dir
	prefix := ""
	if s.cfg.Root != "" {
		if rel, err := filepath.Rel(repo.Dir, s.cfg.Root); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			prefix = filepath.ToSlash(rel)
		}
	}
	cache := s.opt.Cache
	if cache == nil && !s.opt.NoCache {
		cache = &scan.Cache{}
	}
	s.scope = &check.Scope{Config: s.cfg, Prefix: prefix, Cache: cache, Version: s.opt.Version}
	// The revision stays open for the session: the deployed release's
	// migrations are read from it once, on the first check.
	if s.prevTree, err = check.OpenRevision(repo, nil, s.cfg.Previous); err != nil {
		return err
	}
	if s.prevIdx, err = s.scope.References(s.prevTree); err != nil {
		return fmt.Errorf("indexing references of %s: %w", s.prevTree.Name, err)
	}
	if s.newIdx, err = s.scope.References(s.workingTree()); err != nil {
		return fmt.Errorf("indexing references of the working tree: %w", err)
	}
	return nil
}

func (s *checkSession) workingTree() check.Tree {
	return check.Tree{Name: "working tree", FS: safefs.Dir(s.repoDir)}
}

// close ends the revision's git process.
func (s *checkSession) close() {
	if c, ok := s.prevTree.FS.(io.Closer); ok {
		_ = c.Close()
	}
}

// isMigration reports whether p is in a migration directory of the
// working tree.
func (s *checkSession) isMigration(p string) bool {
	_, _, ok := migrationDir(s.cfg, s.repoDir, p)
	return ok
}

func (s *checkSession) markStale() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stale = true
}

// refreshStale rebuilds the working tree's index in the background when
// a file it reads changed; lints use the old one until then.
func (s *checkSession) refreshStale(done func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stale || s.rebuilding {
		return
	}
	s.stale, s.rebuilding = false, true
	go func() {
		idx, err := s.scope.References(s.workingTree())
		s.mu.Lock()
		if err == nil {
			s.newIdx = idx
		}
		s.rebuilding = false
		s.mu.Unlock()
		if err == nil {
			done()
		}
	}()
}

// check runs check with the document's text in place of its file. A
// pending migration gets check's findings (lint's rules against the
// deployed schema, and the compatibility rules); a deployed one keeps
// lint's findings plus check's findings about editing it.
func (s *checkSession) check(in Input, plain *Result) (*Result, error) {
	// A file outside the repository is not part of either release: it
	// keeps lint's findings.
	rel, inside := relInside(s.repoDir, in.Path)
	if !inside {
		return plain, nil
	}
	rel = filepath.ToSlash(rel)
	s.mu.Lock()
	newIdx := s.newIdx
	s.mu.Unlock()
	overlay := &overlayFS{base: safefs.Dir(s.repoDir), name: rel, file: fstest.MapFS{rel: &fstest.MapFile{Data: in.Text, Mode: 0o644}}}
	cin := s.scope.Input()
	cin.Config = in.Config
	cin.Previous = []check.Tree{{Name: s.prevTree.Name, FS: s.prevTree.FS, Index: s.prevIdx}}
	cin.New = check.Tree{Name: "working tree", FS: overlay, Index: newIdx}
	cin.Session = s.checkSession()
	cres, err := check.Run(cin)
	if err != nil {
		return nil, err
	}
	var pending *migration.Migration
	for _, m := range cres.Pending {
		if m.Path == rel {
			pending = m
		}
	}
	out := &Result{EvidenceRoot: s.repoDir, Ops: plain.Ops} // the same text
	if pending != nil {
		out.Migration = pending
		for _, f := range cres.Findings {
			if f.File == rel {
				out.Findings = append(out.Findings, f)
			}
		}
		return out, nil
	}
	// Deployed (or not a migration check reads): lint's findings, on the
	// text as lint read it, plus what check says about this file.
	out.Migration = plain.Migration
	out.Findings = append(out.Findings, plain.Findings...)
	for _, f := range cres.Findings {
		if f.File == rel && strings.HasPrefix(f.Rule, "released-migration") {
			f.File = plain.Migration.Path
			out.Findings = append(out.Findings, f)
		}
	}
	return out, nil
}

// overlayFS is a directory tree with one file replaced by an editor's
// buffer (which may not exist on disk yet).
type overlayFS struct {
	base fs.FS
	name string
	file fstest.MapFS
}

func (o *overlayFS) Open(name string) (fs.File, error) {
	if name == o.name {
		return o.file.Open(name)
	}
	return o.base.Open(name)
}

func (o *overlayFS) ReadFile(name string) ([]byte, error) {
	if name == o.name {
		return o.file.ReadFile(name)
	}
	return fs.ReadFile(o.base, name)
}

func (o *overlayFS) Stat(name string) (fs.FileInfo, error) {
	if name == o.name {
		return o.file.Stat(name)
	}
	return fs.Stat(o.base, name)
}

func (o *overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if path.Dir(o.name) != name {
		return entries, err
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	base := path.Base(o.name)
	for _, e := range entries {
		if e.Name() == base {
			return entries, nil
		}
	}
	extra, _ := o.file.ReadDir(name)
	for _, e := range extra {
		if e.Name() == base {
			entries = append(entries, e)
		}
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// relInside returns p relative to root, and whether p is below root.
func relInside(root, p string) (string, bool) {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return "", false
	}
	return rel, !strings.HasPrefix(rel, "..")
}

// checkSession returns the session's check.Session, made on first use.
func (s *checkSession) checkSession() *check.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kept == nil {
		s.kept = check.NewSession()
	}
	return s.kept
}
