package check

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/snapshot"
	"github.com/schemagate/schemagate/internal/source"
)

// Scope is what check reads of a project's releases, the same for every
// command (check, gate, verify, snapshot, refs) and the editor: where the
// migrations are, which files hold references, and how reference indexes
// are cached. So refs, check and the language server index the same files.
type Scope struct {
	Config *config.Config
	// Prefix is the config file's directory in the trees ("" at the
	// root): configured paths are under it, and discovery starts there.
	Prefix string
	Format migration.Format // forced migration format
	// Cache stores indexes of git trees across runs (nil: none); Memo
	// shares per-file references between the index builds of one run.
	Cache   *scan.Cache
	Memo    *scan.Memo
	Version string // schemagate's version, part of the cache key
	// Translations keeps what reading the migrations gave across runs
	// (nil: none).
	Translations migrations.Store
	// Log receives what -v prints (nil: nothing).
	Log func(format string, args ...any)

	mu     sync.Mutex
	unread []string
}

// maxUnread bounds how many unread files a run lists by name.
const maxUnread = 20

// Unread lists the files indexing could not read (a blob missing from a
// partial clone, a file over the size limit), one line each, for the
// run's notes: what the references may lack, never a reason to stop.
func (s *Scope) Unread() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.unread) <= maxUnread {
		return slices.Clone(s.unread)
	}
	return append(slices.Clone(s.unread[:maxUnread]), fmt.Sprintf("warning: %d more files not read (-v lists them)", len(s.unread)-maxUnread))
}

func (s *Scope) log(format string, args ...any) {
	if s.Log != nil {
		s.Log(format, args...)
	}
}

func (s *Scope) config() *config.Config {
	if s.Config == nil {
		return config.Default()
	}
	return s.Config
}

// Input is check's input for the scope, without the releases.
func (s *Scope) Input() Input {
	cfg := s.config()
	in := Input{Config: cfg, Format: s.Format, Root: s.Prefix, SchemaDump: joinRoot(s.Prefix, cfg.SchemaDump), Index: s.Index, Translations: s.Translations}
	for _, d := range cfg.Migrations {
		d.Dir = joinRoot(s.Prefix, d.Dir)
		in.Dirs = append(in.Dirs, d)
	}
	in.Exclude = s.globs(cfg.Exclude)
	return in
}

// globs puts the config's path globs under its directory; a pattern
// without a slash matches a name at any depth and stays as it is.
func (s *Scope) globs(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		if s.Prefix != "" && strings.Contains(strings.Trim(p, "/"), "/") {
			p = path.Join(s.Prefix, p)
		}
		out = append(out, p)
	}
	return out
}

// Migrations reads a tree's migrations as check does.
func (s *Scope) Migrations(t Tree) (*migrations.Result, error) {
	in := s.Input()
	return migrations.Load(t.FS, migrations.Config{Dirs: in.Dirs, Root: in.Root, Exclude: in.Exclude, Format: in.Format, MaxFileSize: in.Config.MaxFileSize, PGVersion: in.Config.PGVersion, Store: in.Translations})
}

// References is a tree's reference index as check builds it: every file
// but its migrations and schema dumps.
func (s *Scope) References(t Tree) (*refs.Index, error) {
	loaded, err := s.Migrations(t)
	if err != nil {
		return nil, err
	}
	in := s.Input()
	skip := append(slices.Clone(in.Exclude), migrations.DefaultDumps...)
	if in.SchemaDump != "" {
		skip = append(skip, in.SchemaDump)
	}
	return s.Index(t, append(skip, loaded.Skip()...))
}

// Blind is the error of a release check would check nothing in (see
// migrations.Result.Blind), unless it has no migrations schemagate reads
// but a schema dump, whose diff check reads instead.
func (s *Scope) Blind(t Tree, loaded *migrations.Result) error {
	err := loaded.Blind(t.Name)
	if err == nil || len(loaded.Migrations) > 0 {
		return err
	}
	dumps := []string{s.Input().SchemaDump}
	for _, d := range migrations.DefaultDumps {
		dumps = append(dumps, joinRoot(s.Prefix, d))
	}
	for _, d := range dumps {
		if d != "" && migrations.IsFile(t.FS, d) {
			return nil
		}
	}
	return err
}

// Index builds (or takes from the cache) a tree's reference index,
// skipping the config's excludes and the paths in skip.
func (s *Scope) Index(t Tree, skip []string) (*refs.Index, error) {
	cfg := s.config()
	exclude := append(s.globs(cfg.Exclude), s.globs(cfg.References.Exclude)...)
	exclude = append(exclude, skip...)
	exclude = slices.Compact(slices.Sorted(slices.Values(exclude)))
	idx, stats, cached, err := build.Index(t.FS, build.Options{
		Exclude: exclude, IncludeTests: cfg.References.IncludeTests,
		Cache: s.Cache, TreeID: t.TreeID, Version: s.Version, Verbose: s.Log, Memo: s.Memo,
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	for _, u := range stats.Unread {
		s.unread = append(s.unread, fmt.Sprintf("warning: %s of %s not read for references (%s)", u.Path, t.Name, u.Reason))
	}
	s.mu.Unlock()
	if cached {
		s.log("references of %s: from the cache (%d)", t.Name, len(idx.Refs))
	} else {
		s.log("references of %s: %d files read, %d skipped %v, %d references", t.Name, stats.Read, stats.Skipped, stats.SkippedReasons, stats.Refs)
	}
	return idx, nil
}

// OpenRevision opens a git revision as a tree named by its short commit
// id (and the revision, when that is not a prefix of it). Without a
// repository (repo nil, gitErr says why) or without the revision, the
// error is a *MissingRelease.
func OpenRevision(repo *gitrev.Repo, gitErr error, rev string) (Tree, error) {
	if repo == nil {
		return Tree{}, &MissingRelease{LookedFor: []string{fmt.Sprintf("git revision %s (%v)", rev, trimGitrev(gitErr))}}
	}
	commit, err := repo.Resolve(rev)
	if errors.Is(err, gitrev.ErrMissingRevision) {
		return Tree{}, &MissingRelease{LookedFor: []string{fmt.Sprintf("git revision %s (%v)", rev, trimGitrev(err))}}
	}
	if err != nil {
		return Tree{}, err
	}
	fsys, err := repo.FS(commit)
	if err != nil {
		return Tree{}, err
	}
	name := commit[:min(7, len(commit))]
	if !strings.HasPrefix(commit, rev) {
		name += " (" + rev + ")"
	}
	// Files stay inside the tree: a symlink out of it is never followed.
	return Tree{Name: name, FS: safefs.New(fsys, "the tree of "+name), TreeID: fsys.Tree(), Commit: commit}, nil
}

// OpenSnapshot reads a release snapshot from a file or an s3:// URL; the
// store is made on first use and kept in *store for the next.
func OpenSnapshot(ctx context.Context, store **snapshot.Store, region, endpointURL, where string) (*snapshot.Snapshot, error) {
	if !snapshot.IsS3URL(where) {
		return snapshot.ReadFile(where)
	}
	loc, err := snapshot.ParseS3URL(where, false)
	if err != nil {
		return nil, err
	}
	st, err := S3Store(ctx, store, region, endpointURL)
	if err != nil {
		return nil, err
	}
	return st.Get(ctx, loc)
}

// S3Store returns *store, making it on first use.
func S3Store(ctx context.Context, store **snapshot.Store, region, endpointURL string) (*snapshot.Store, error) {
	if *store == nil {
		client, err := snapshot.NewS3Client(ctx, region, endpointURL)
		if err != nil {
			return nil, err
		}
		*store = &snapshot.Store{Client: client}
	}
	return *store, nil
}

// MissingRelease says that a release that may still run could not be
// read, where it was looked for, and the ways out.
type MissingRelease struct {
	LookedFor []string
}

func (e *MissingRelease) Error() string {
	return "the previous release is needed but could not be read: looked for " + strings.Join(e.LookedFor, "; and for ") +
		". Either fetch the history (a full clone, or git fetch --unshallow), or use CodePipeline's full-clone source (OutputArtifactFormat CODEBUILD_CLONE_REF)," +
		" or upload snapshots from the build stage (schemagate snapshot --upload s3://BUCKET/PREFIX/) and check with --previous-snapshot-from s3://BUCKET/PREFIX/." +
		" --if-previous-missing lint goes on with operational lint only"
}

// trimGitrev drops the package prefix from gitrev's errors.
func trimGitrev(err error) string {
	if err == nil {
		return "no git repository"
	}
	return strings.TrimPrefix(err.Error(), "gitrev: ")
}

// LintOnly is check without the previous release (--if-previous-missing
// lint): with nothing to compare against, the pending migrations cannot
// be told apart, so every migration of the new release gets the
// operational lint `schemagate lint` gives, and the notes say loudly
// what was not checked. A release with no migrations is still an error.
func LintOnly(in Input, missing *MissingRelease) (*Result, error) {
	cfg := in.Config
	if cfg == nil {
		cfg = config.Default()
	}
	res := &Result{Files: map[string]*source.File{}}
	loaded, err := migrations.Load(in.New.FS, migrations.Config{Dirs: in.Dirs, Root: in.Root, Exclude: in.Exclude, Format: in.Format, MaxFileSize: cfg.MaxFileSize, PGVersion: cfg.PGVersion})
	if err != nil {
		return nil, fmt.Errorf("%w in %s", err, in.New.Name)
	}
	if err := loaded.Blind(in.New.Name); err != nil {
		return nil, err
	}
	res.Dirs, res.Considered = loaded.Dirs, loaded.Rejected
	for _, s := range loaded.Skipped {
		if migration.Unreadable(s.Reason) {
			res.Problems = append(res.Problems, migrations.ReadError{Path: s.Path, Err: s.Reason})
		}
	}
	for _, m := range loaded.Migrations {
		res.Files[m.Path] = m.File
		res.Pending = append(res.Pending, m)
	}
	res.Findings = lint.Run(loaded.Migrations, lint.Options{Config: cfg, Catalog: catalog.New()})
	name := in.New.Name
	if name == "working tree" {
		name = "the working tree"
	}
	res.Notes = []string{
		"WARNING: NOT CHECKED against the releases that may still run: " + strings.Join(missing.LookedFor, "; and ") + " could not be read (--if-previous-missing lint)",
		fmt.Sprintf("WARNING: only operational lint ran, over all %d migration(s) of %s, since the pending ones cannot be told apart", len(loaded.Migrations), name),
		loaded.Summary(),
	}
	return res, nil
}
