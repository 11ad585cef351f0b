package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/refs/scan"
)

func init() { extraCommands = append(extraCommands, newCheckCmd) }

// checkFlags are check's own flags; gate reuses them.
type checkFlags struct {
	commonFlags
	previous []string
	newRev   string
	repo     string
	noCache  bool
	verbose  bool
}

func (f *checkFlags) register(cmd *cobra.Command) {
	f.commonFlags.register(cmd.Flags(), "error")
	cmd.Flags().StringArrayVar(&f.previous, "previous", nil, "the deployed release: a git revision (repeatable: every release that may still serve traffic; default: previous in the config)")
	cmd.Flags().StringVar(&f.newRev, "new", "", "the release being deployed, as a git revision (default: the working tree)")
	cmd.Flags().StringVar(&f.repo, "repo", "", "the git repository (default: the one containing the working directory)")
	cmd.Flags().BoolVar(&f.noCache, "no-cache", false, "rebuild reference indexes instead of reading the cache")
	cmd.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "say what is read and skipped")
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

Exit codes: 0 no finding at or above --fail-on (default error), 1 findings, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, cfg, err := runCheck(&f, stdio)
			if err != nil {
				return fail("%v", err)
			}
			level, err := f.failLevel(cfg, "error")
			if err != nil {
				return fail("%v", err)
			}
			code, err := f.writeReport(stdio.Out, "check", res.Findings, res.Files, res.Notes, level)
			if err != nil {
				return fail("%v", err)
			}
			for _, p := range res.Problems {
				fmt.Fprintln(stdio.Err, "schemagate: "+p.Error())
			}
			if len(res.Problems) > 0 {
				return exitWith(ExitError)
			}
			return exitWith(code)
		},
	}
	f.register(cmd)
	return cmd
}

// runCheck resolves the releases and runs check.
func runCheck(f *checkFlags, stdio IO) (*check.Result, *config.Config, error) {
	cfg, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	lopt, err := f.loadOptions(cfg)
	if err != nil {
		return nil, nil, err
	}
	previous := f.previous
	if len(previous) == 0 && cfg.Previous != "" {
		previous = []string{cfg.Previous}
	}
	if len(previous) == 0 {
		return nil, nil, errors.New("check needs the deployed release: pass --previous REV (in pre-merge CI the base branch, e.g. origin/main) or set previous: in schemagate.yaml")
	}
	dir := f.repo
	if dir == "" {
		dir = "."
	}
	repo, err := gitrev.Open(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("%v: check reads the previous release from git; fetch the history, or check from release snapshots", err)
	}
	prefix := ""
	if cfg.Root != "" {
		if rel, err := filepath.Rel(repo.Dir, cfg.Root); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
			prefix = filepath.ToSlash(rel)
		}
	}
	verbose := func(string, ...any) {}
	if f.verbose {
		verbose = func(format string, args ...any) { fmt.Fprintf(stdio.Err, "schemagate: "+format+"\n", args...) }
	}
	in := check.Input{Config: cfg, Format: lopt.Format, SchemaDump: joinPrefix(prefix, cfg.SchemaDump)}
	for _, d := range cfg.Migrations {
		d.Dir = joinPrefix(prefix, d.Dir)
		in.Dirs = append(in.Dirs, d)
	}
	treeIDs := map[string]string{}
	for _, rev := range previous {
		t, tree, err := revTree(repo, rev)
		if err != nil {
			return nil, nil, err
		}
		treeIDs[t.Name] = tree
		in.Previous = append(in.Previous, t)
	}
	if f.newRev != "" {
		t, tree, err := revTree(repo, f.newRev)
		if err != nil {
			return nil, nil, err
		}
		treeIDs[t.Name] = tree
		in.New = t
	} else {
		in.New = check.Tree{Name: "working tree", FS: os.DirFS(repo.Dir)}
	}
	var cache *scan.Cache
	if !f.noCache {
		cache = &scan.Cache{Log: verbose}
	}
	exclude := append([]string{}, cfg.Exclude...)
	exclude = append(exclude, cfg.References.Exclude...)
	for _, d := range append(in.Dirs, defaultDirs()...) {
		exclude = append(exclude, d.Dir+"/**")
	}
	exclude = append(exclude, check.DefaultDumps...)
	in.Index = func(t check.Tree) (*refs.Index, error) {
		idx, stats, cached, err := build.Index(t.FS, build.Options{
			Exclude: exclude, IncludeTests: cfg.References.IncludeTests,
			Cache: cache, TreeID: treeIDs[t.Name], Version: ToolVersion(), Verbose: verbose,
		})
		if err == nil {
			if cached {
				verbose("references of %s: from the cache (%d)", t.Name, len(idx.Refs))
			} else {
				verbose("references of %s: %d files read, %d skipped %v, %d references", t.Name, stats.Read, stats.Skipped, stats.SkippedReasons, stats.Refs)
			}
		}
		return idx, err
	}
	res, err := check.Run(in)
	return res, cfg, err
}

func defaultDirs() []config.MigrationDir {
	var out []config.MigrationDir
	for _, d := range check.DefaultDirs {
		out = append(out, config.MigrationDir{Dir: d})
	}
	return out
}

// revTree opens a revision as a tree named by its short commit id.
func revTree(repo *gitrev.Repo, rev string) (check.Tree, string, error) {
	commit, err := repo.Resolve(rev)
	if err != nil {
		return check.Tree{}, "", err
	}
	fsys, err := repo.FS(commit)
	if err != nil {
		return check.Tree{}, "", err
	}
	name := commit[:min(7, len(commit))]
	if !strings.HasPrefix(commit, rev) {
		name += " (" + rev + ")"
	}
	return check.Tree{Name: name, FS: fsys}, fsys.Tree(), nil
}

func joinPrefix(prefix, p string) string {
	if p == "" || prefix == "" {
		return p
	}
	return path.Join(prefix, p)
}

var _ fs.FS = (*gitrev.RevFS)(nil)
