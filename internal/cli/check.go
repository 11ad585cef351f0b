package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/snapshot"
	"github.com/schemagate/schemagate/internal/transcache"
)

// checkFlags are check's own flags; gate reuses them.
type checkFlags struct {
	commonFlags
	releaseFlags // snapshots and the ECS service (snapshot.go)
	previous     []string
	newRev       string
	repo         string
	noCache      bool
	// checked are the releases the last run checked against, as the
	// command line or the service named them (gate tags the task with them).
	checked []string
	// deployed names the release being deployed, once known (a snapshot's
	// revision, a git revision), for the migration task's tags.
	deployed string
	// newSnap is the new release's snapshot, when --new-snapshot is given.
	newSnap *snapshot.Snapshot

	// pg reads a live database: --pending-from, --runtime-references
	// (pgflags.go).
	pg pgFlags
}

func (f *checkFlags) register(cmd *cobra.Command) {
	f.commonFlags.register(cmd.Flags(), "error")
	cmd.Flags().StringArrayVar(&f.previous, "previous", nil, "the deployed release: a git revision (repeatable: every release that may still serve traffic; default: previous in the config)")
	cmd.Flags().StringVar(&f.newRev, "new", "", "the release being deployed, as a git revision (default: the working tree)")
	cmd.Flags().StringVar(&f.repo, "repo", "", "the git repository, or without git the directory the release's paths start from (default: the one containing the working directory)")
	cmd.Flags().BoolVar(&f.noCache, "no-cache", false, "rebuild reference indexes and translate framework migrations again instead of reading the caches")
	f.releaseFlags.register(cmd.Flags())
	f.pg.register(cmd.Flags())
}

func newCheckCmd(stdio IO) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Reject pending migrations that the deployed release cannot survive",
		Long: `Check finds the migrations that the deployed release (--previous) does not have, rebuilds
the schema that release runs on, indexes every table and column its code references, and
reports each pending migration that would break it (drops, renames, type changes, new
NOT NULL columns its inserts leave out, ...) with the places in its code, plus the
operational lint findings of the pending migrations.

Where there is no git (a pipeline stage that gets the build's artifacts), the releases come
from snapshots (schemagate snapshot): --previous-snapshot FILE|s3://BUCKET/KEY, or
--previous-snapshot-from s3://BUCKET/PREFIX/ with the revisions of --previous or of every task
definition --previous-from-service may still run. See docs/snapshots.md.

Exit codes: 0 no finding at or above --fail-on (default error), 1 findings, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.validate("error"); err != nil {
				return fail("%v", err)
			}
			res, cfg, err := runCheck(&f, stdio)
			if err != nil {
				return fail("%v", err)
			}
			level, err := f.failLevel(cfg, "error")
			if err != nil {
				return fail("%v", err)
			}
			f.considered(stdio, res.Dirs, res.Considered)
			code, err := f.writeReport(stdio.Out, stdio.Err, checkRun("check", res), level)
			if err != nil {
				return fail("%v", err)
			}
			return exitWith(code)
		},
	}
	f.register(cmd)
	return cmd
}

// checkRun is what a check run reports.
func checkRun(command string, res *check.Result) runReport {
	return runReport{command: command, findings: res.Findings, files: res.Files, notes: res.Notes, dirs: res.Dirs, problems: res.Problems}
}

// runCheck resolves the releases and runs check.
func runCheck(f *checkFlags, stdio IO) (*check.Result, *config.Config, error) {
	// check reads both releases at once, and the garbage of two reads
	// would double the heap GC lets grow: collect at half the usual
	// growth instead (the user's GOGC, when set, stands).
	defer collectAt(50)()
	env, err := newCheckEnv(&f.commonFlags, f.repo, f.noCache, f.verbose, stdio)
	if err != nil {
		return nil, nil, err
	}
	if !f.noCache {
		env.trans = transcache.Open(ToolVersion(), env.verbose)
	}
	ctx, stop := signalContext()
	defer stop()
	previous, err := f.previousTrees(ctx, env, stdio)
	var missing *check.MissingRelease
	if errors.As(err, &missing) && f.ifPreviousMissing == "lint" {
		previous, err = &previousReleases{}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	env.setRoot(f.repo, previous.configDir)
	newTree, err := f.newTree(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	// Without a schemagate.yaml here (a pipeline stage with only the build
	// artifact), the config the new release was snapshotted with is the
	// one in force.
	if env.cfg.Path == "" && f.newSnap != nil {
		cfg, err := configFromSnapshot(f.newSnap.Config)
		if err != nil {
			return nil, nil, fmt.Errorf("the config in %s: %w", f.newSnapshot, err)
		}
		env.cfg = cfg
		env.verbose("no schemagate.yaml here: using the config the new release's snapshot was taken with")
	}
	scope := env.scope()
	in := scope.Input()
	in.New = newTree
	if missing != nil {
		res, err := check.LintOnly(in, missing)
		if err == nil {
			for _, n := range res.Notes {
				fmt.Fprintln(stdio.Err, "schemagate: "+n)
			}
		}
		return res, env.cfg, err
	}
	in.Previous = previous.trees
	if err := f.pg.apply(ctx, &in, env.verbose); err != nil {
		return nil, nil, err
	}
	res, err := check.Run(in)
	if env.trans != nil {
		env.trans.Wait()
	}
	f.checked = previous.names
	if err == nil {
		res.Notes = append(res.Notes, scope.Unread()...)
	}
	return res, env.cfg, err
}

// checkEnv is what check, gate and snapshot share: the config, the git
// repository when there is one, the directory the trees' paths start
// from, and the scope check reads of them.
type checkEnv struct {
	cfg     *config.Config
	lopt    migrations.PathOptions
	repo    *gitrev.Repo // nil when there is no git repository
	gitErr  error        // why repo is nil
	root    string       // the working tree's root (set by setRoot)
	prefix  string       // the config's directory below root
	cache   *scan.Cache
	trans   *transcache.Store // nil with --no-cache
	memo    *scan.Memo        // shares per-file references between the releases' index builds
	verbose func(string, ...any)
}

func newCheckEnv(c *commonFlags, repoDir string, noCache, verbose bool, stdio IO) (*checkEnv, error) {
	cfg, err := c.load()
	if err != nil {
		return nil, err
	}
	lopt, err := c.loadOptions(cfg)
	if err != nil {
		return nil, err
	}
	e := &checkEnv{cfg: cfg, lopt: lopt, memo: scan.NewMemo(), verbose: func(string, ...any) {}}
	if verbose {
		e.verbose = func(format string, args ...any) { fmt.Fprintf(stdio.Err, "schemagate: "+format+"\n", args...) }
	}
	if !noCache {
		e.cache = &scan.Cache{Log: e.verbose}
	}
	dir := repoDir
	if dir == "" {
		dir = "."
	}
	// Without git, check still runs from snapshots and the working tree.
	e.repo, e.gitErr = gitrev.Open(dir)
	return e, nil
}

// setRoot decides where the working tree's paths start: the git work
// tree; without git, --repo, else the config's directory less the
// directory a snapshot recorded for the config (snapshots hold paths from
// the repository's root), else the working directory.
func (e *checkEnv) setRoot(repoFlag, snapshotConfigDir string) {
	switch {
	case e.repo != nil:
		e.root = e.repo.Dir
	case repoFlag != "":
		e.root, _ = filepath.Abs(repoFlag)
	case e.cfg.Root != "":
		e.root = e.cfg.Root
		if d := filepath.FromSlash(snapshotConfigDir); d != "" && strings.HasSuffix(e.root, string(filepath.Separator)+d) {
			e.root = strings.TrimSuffix(e.root, string(filepath.Separator)+d)
		}
	default:
		e.root, _ = filepath.Abs(".")
	}
	e.prefix = ""
	if e.cfg.Root != "" {
		if rel, err := filepath.Rel(e.root, e.cfg.Root); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			e.prefix = filepath.ToSlash(rel)
		}
	}
}

// scope is what check reads of the trees.
func (e *checkEnv) scope() *check.Scope {
	s := &check.Scope{Config: e.cfg, Prefix: e.prefix, Format: e.lopt.Format, Cache: e.cache, Memo: e.memo, Version: ToolVersion(), Log: e.verbose}
	if e.trans != nil {
		s.Translations = e.trans
	}
	return s
}

// gitTree opens a git revision. When there is no repository or it lacks
// the revision, the error is a *check.MissingRelease.
func (e *checkEnv) gitTree(rev string) (check.Tree, error) {
	return check.OpenRevision(e.repo, e.gitErr, rev)
}

// workingTree is the files on disk, which need no git.
func (e *checkEnv) workingTree() check.Tree {
	return check.Tree{Name: "working tree", FS: safefs.Dir(e.root)}
}
