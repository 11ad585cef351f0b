package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/ecs"
	"github.com/schemagate/schemagate/internal/snapshot"
)

// releaseFlags say where the releases come from when not from git:
// snapshot files or S3 objects, and the ECS service whose task
// definitions name the releases that may still run.
type releaseFlags struct {
	previousSnapshots    []string
	previousSnapshotFrom string
	newSnapshot          string
	ifPreviousMissing    string
	previousFromService  string
	revisionFrom         string
	cluster              string
	region               string
	endpointURL          string
}

func (r *releaseFlags) register(f *pflag.FlagSet) {
	f.StringArrayVar(&r.previousSnapshots, "previous-snapshot", nil, "the deployed release from a snapshot: a FILE or s3://BUCKET/KEY (repeatable: every release that may still serve traffic)")
	f.StringVar(&r.previousSnapshotFrom, "previous-snapshot-from", "", "read the snapshot of each --previous revision (or each revision --previous-from-service finds) at s3://BUCKET/PREFIX/<revision>.json.gz")
	f.StringVar(&r.newSnapshot, "new-snapshot", "", "the release being deployed, from a snapshot FILE or s3://BUCKET/KEY (default: the working tree)")
	f.StringVar(&r.ifPreviousMissing, "if-previous-missing", "fail", "when a previous release cannot be read: fail (exit 2), or lint (go on with operational lint only, and say so in the report)")
	f.StringVar(&r.previousFromService, "previous-from-service", "", "find the releases that may still run from this ECS service's deployments or task sets")
	f.StringVar(&r.revisionFrom, "revision-from", "tag", "where a task definition names its revision: tag, tag:CONTAINER or env:NAME")
	f.StringVar(&r.cluster, "cluster", "", "ECS cluster (of --previous-from-service and, for gate ecs, of the migration task)")
	f.StringVar(&r.region, "region", "", "AWS region (default: the SDK's chain: AWS_REGION, profile)")
	f.StringVar(&r.endpointURL, "endpoint-url", "", "AWS endpoint override for ECS, CloudWatch Logs and S3, e.g. LocalStack (default: AWS_ENDPOINT_URL)")
}

// previousReleases are the releases that may still run, the first
// deciding what is pending.
type previousReleases struct {
	trees []check.Tree
	names []string // as the command line or the service named them
	// configDir is the config's directory the first snapshot recorded
	// (see checkEnv.setRoot).
	configDir string
}

// previousTrees resolves the releases that may still run. Releases that
// cannot be found are gathered into one *missingRelease; any other error
// stops at once.
func (f *checkFlags) previousTrees(ctx context.Context, env *checkEnv, stdio IO) (*previousReleases, error) {
	if err := f.validateReleases(); err != nil {
		return nil, err
	}
	revisions := f.previous
	if f.previousFromService != "" {
		var err error
		if revisions, err = f.serviceRevisions(ctx, stdio); err != nil {
			return nil, err
		}
	}
	if len(revisions) == 0 && len(f.previousSnapshots) == 0 && env.cfg.Previous != "" {
		revisions = []string{env.cfg.Previous}
	}
	if len(revisions) == 0 && len(f.previousSnapshots) == 0 {
		return nil, errors.New("check needs the deployed release: pass --previous REV (in pre-merge CI the base branch, e.g. origin/main), --previous-snapshot FILE, or --previous-from-service SERVICE, or set previous: in schemagate.yaml")
	}

	var (
		out     previousReleases
		missing check.MissingRelease
		store   *snapshot.Store
		dirSet  bool
	)
	add := func(s *snapshot.Snapshot, t check.Tree, name string, err error) error {
		var m *check.MissingRelease
		switch {
		case errors.As(err, &m):
			missing.LookedFor = append(missing.LookedFor, m.LookedFor...)
		case errors.Is(err, snapshot.ErrNotFound):
			missing.LookedFor = append(missing.LookedFor, "the snapshot "+err.Error())
		case err != nil:
			return err
		default:
			out.trees = append(out.trees, t)
			out.names = append(out.names, name)
			if s != nil && !dirSet {
				out.configDir, dirSet = s.Config.Dir, true
			}
		}
		return nil
	}
	for _, where := range f.previousSnapshots {
		s, err := f.loadSnapshot(ctx, &store, where)
		if err == nil {
			env.verbose("release %s: snapshot %s (%d migrations, %d references, taken by schemagate %s)", s.Name(), where, len(s.Migrations), len(s.References.Refs), s.SchemagateVersion)
		}
		if err := add(s, treeOf(s), revisionOf(s), err); err != nil {
			return nil, err
		}
	}
	var prefix snapshot.Location
	if f.previousSnapshotFrom != "" {
		var err error
		if prefix, err = snapshot.ParseS3URL(f.previousSnapshotFrom, true); err != nil {
			return nil, fmt.Errorf("--previous-snapshot-from: %w", err)
		}
	}
	for _, rev := range revisions {
		if f.previousSnapshotFrom == "" {
			t, err := env.gitTree(rev)
			if err := add(nil, t, rev, err); err != nil {
				return nil, err
			}
			continue
		}
		st, err := f.s3Store(ctx, &store)
		if err != nil {
			return nil, err
		}
		s, err := st.GetRevision(ctx, prefix, rev)
		if err == nil {
			env.verbose("release %s: snapshot %s (%d migrations, %d references, taken by schemagate %s)", s.Name(), snapshot.Location{Bucket: prefix.Bucket, Key: snapshot.ObjectKey(prefix.Key, rev)}, len(s.Migrations), len(s.References.Refs), s.SchemagateVersion)
		}
		if err := add(s, treeOf(s), rev, err); err != nil {
			return nil, err
		}
	}
	if len(missing.LookedFor) > 0 {
		return nil, &missing
	}
	return &out, nil
}

func treeOf(s *snapshot.Snapshot) check.Tree {
	if s == nil {
		return check.Tree{}
	}
	return check.SnapshotTree(s)
}

func revisionOf(s *snapshot.Snapshot) string {
	if s == nil {
		return ""
	}
	return s.Revision
}

// validateReleases checks the release flags on their own, so a mistake
// in them stops the run before anything is read.
func (f *checkFlags) validateReleases() error {
	switch {
	case f.ifPreviousMissing != "fail" && f.ifPreviousMissing != "lint":
		return fmt.Errorf("--if-previous-missing %q: want fail or lint", f.ifPreviousMissing)
	case len(f.previous) > 0 && f.previousFromService != "":
		return errors.New("--previous and --previous-from-service exclude each other")
	case len(f.previousSnapshots) > 0 && (len(f.previous) > 0 || f.previousFromService != "" || f.previousSnapshotFrom != ""):
		return errors.New("--previous-snapshot names the releases itself: it excludes --previous, --previous-from-service and --previous-snapshot-from")
	}
	if f.previousSnapshotFrom != "" {
		if _, err := snapshot.ParseS3URL(f.previousSnapshotFrom, true); err != nil {
			return fmt.Errorf("--previous-snapshot-from: %w", err)
		}
	}
	if f.previousFromService != "" {
		if err := ecs.ValidRevisionFrom(f.revisionFrom); err != nil {
			return fmt.Errorf("--revision-from: %w", err)
		}
	}
	return nil
}

// validate checks every flag check, gate and verify share, and the config
// they name, before any work: a bad --fail-on is refused at once, not
// after the releases were read and the database was asked.
func (f *checkFlags) validate(defaultFailOn string) error {
	cfg, err := f.load()
	if err != nil {
		return err
	}
	if _, err := f.failLevel(cfg, defaultFailOn); err != nil {
		return err
	}
	if _, err := f.loadOptions(cfg); err != nil {
		return err
	}
	return f.validateReleases()
}

// serviceRevisions asks ECS for the revisions the service may still run,
// PRIMARY first, each once.
func (f *checkFlags) serviceRevisions(ctx context.Context, stdio IO) ([]string, error) {
	ecsClient, _, err := ecs.NewClients(ctx, f.region, f.endpointURL)
	if err != nil {
		return nil, err
	}
	runner := &ecs.Runner{ECS: ecsClient}
	releases, err := runner.DeployedReleases(ctx, f.cluster, f.previousFromService, f.revisionFrom)
	if err != nil {
		return nil, fmt.Errorf("finding the deployed release of service %s: %w", f.previousFromService, err)
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range releases {
		if !seen[r.Revision] {
			seen[r.Revision] = true
			out = append(out, r.Revision)
		}
		fmt.Fprintf(stdio.Err, "schemagate: service %s runs %s (%s %s, %s)\n", f.previousFromService, r.Revision, r.Source, r.Status, r.TaskDefinition)
	}
	return out, nil
}

func (f *checkFlags) s3Store(ctx context.Context, store **snapshot.Store) (*snapshot.Store, error) {
	return check.S3Store(ctx, store, f.region, f.endpointURL)
}

// loadSnapshot reads a snapshot from a file or an s3:// URL.
func (f *checkFlags) loadSnapshot(ctx context.Context, store **snapshot.Store, where string) (*snapshot.Snapshot, error) {
	return check.OpenSnapshot(ctx, store, f.region, f.endpointURL, where)
}

// newTree is the release being deployed: a snapshot, a git revision, or
// the working tree.
func (f *checkFlags) newTree(ctx context.Context, env *checkEnv) (check.Tree, error) {
	switch {
	case f.newSnapshot != "" && f.newRev != "":
		return check.Tree{}, errors.New("--new and --new-snapshot exclude each other")
	case f.newSnapshot != "":
		var store *snapshot.Store
		s, err := f.loadSnapshot(ctx, &store, f.newSnapshot)
		if err != nil {
			return check.Tree{}, fmt.Errorf("--new-snapshot: %w", err)
		}
		f.deployed, f.newSnap = s.Revision, s
		return check.SnapshotTree(s), nil
	case f.newRev != "":
		t, err := env.gitTree(f.newRev)
		var m *check.MissingRelease
		if errors.As(err, &m) {
			return check.Tree{}, fmt.Errorf("--new: %s", strings.Join(m.LookedFor, "; "))
		}
		return t, err
	}
	return env.workingTree(), nil
}

func newSnapshotCmd(stdio IO) *cobra.Command {
	var (
		c        commonFlags
		rf       releaseFlags
		rev      string
		revision string
		output   string
		upload   string
		repo     string
		noCache  bool
		verbose  bool
	)
	cmd := &cobra.Command{
		Use:   "snapshot [--rev REV] [-o FILE] [--upload s3://BUCKET/PREFIX/]",
		Short: "Write what check needs to know about a release (migrations, references, catalog) as one JSON document",
		Long: `Snapshot records one release for checks that run where git is not: the migrate stage of a
pipeline gets the build stage's artifacts, not the repository. The document holds the
revision, the schemagate version, the config in force, every migration with its checksum and
full text, the schema dumps, the reference index of the release's code, and the catalog its
migrations build. The same tree always gives the same bytes. See docs/snapshots.md.

Take it in the build stage and upload it:

  schemagate snapshot --revision "$IMAGE_TAG" --upload s3://BUCKET/snapshots/

then check against the releases the service runs, without git:

  schemagate gate ecs --previous-from-service web --previous-snapshot-from s3://BUCKET/snapshots/ ...

Exit codes: 0 written, 2 could not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var loc snapshot.Location
			if upload != "" {
				var err error
				if loc, err = snapshot.ParseS3URL(upload, true); err != nil {
					return fail("--upload: %v", err) // before the snapshot is taken
				}
			}
			env, err := newCheckEnv(&c, repo, noCache, verbose, stdio)
			if err != nil {
				return fail("%v", err)
			}
			env.setRoot(repo, "")
			scope := env.scope()
			in := scope.Input()
			opt := snapshot.Options{
				Version: ToolVersion(), Config: env.cfg, Prefix: env.prefix,
				Dirs: in.Dirs, Exclude: in.Exclude, Format: in.Format, SchemaDump: in.SchemaDump,
				ConfigFile: configFileIn(env),
			}
			var tree check.Tree
			if rev != "" {
				if tree, err = env.gitTree(rev); err != nil {
					var m *check.MissingRelease
					if errors.As(err, &m) {
						return fail("snapshot --rev reads git: %s (without --rev it takes the working tree)", strings.Join(m.LookedFor, "; "))
					}
					return fail("%v", err)
				}
				if c, ok := tree.FS.(io.Closer); ok {
					defer c.Close()
				}
				opt.Commit, opt.TreeID = tree.Commit, tree.TreeID
			} else {
				tree = env.workingTree()
				opt.Commit = workingCommit(env)
			}
			opt.Revision = revision
			if opt.Revision == "" {
				opt.Revision = opt.Commit
			}
			if opt.Revision == "" {
				return fail("name the release with --revision (the tag its images carry): the working tree is not a git checkout and CODEBUILD_RESOLVED_SOURCE_VERSION is not set")
			}
			if opt.Index, err = scope.References(tree); err != nil {
				return fail("indexing references of %s: %v", tree.Name, err)
			}
			snap, err := snapshot.Build(tree.FS, opt)
			if err != nil {
				return fail("%v", err)
			}
			if err := scope.Blind(tree, snap.Read); err != nil {
				return fail("%v", err)
			}
			if verbose {
				c.verbose = true
				c.considered(stdio, snap.Read.Dirs, snap.Read.Rejected)
			}
			ctx, stop := signalContext()
			defer stop()
			var where []string
			if output != "" && output != "-" {
				if _, err := snap.WriteFile(output); err != nil {
					return fail("%v", err)
				}
				where = append(where, output)
			}
			if upload != "" {
				client, err := snapshot.NewS3Client(ctx, rf.region, rf.endpointURL)
				if err != nil {
					return fail("%v", err)
				}
				stored, err := (&snapshot.Store{Client: client}).Upload(ctx, loc, snap)
				if err != nil {
					return fail("%v", err)
				}
				where = append(where, stored.String())
			}
			if output == "-" || (output == "" && upload == "") {
				data, err := snap.Marshal(false)
				if err != nil {
					return fail("%v", err)
				}
				if _, err := stdio.Out.Write(data); err != nil {
					return fail("%v", err)
				}
				where = append(where, "standard output")
			}
			fmt.Fprintf(stdio.Err, "schemagate: snapshot of %s: %s -> %s\n", snap.Name(), snapshotSummary(snap), strings.Join(where, ", "))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.configPath, "config", "", "path to schemagate.yaml (default: found upward from the working directory)")
	f.IntVar(&c.pgVersion, "pg-version", 0, "PostgreSQL major version the migrations run on (default 16, or pg-version in the config)")
	f.StringVar(&c.migrationFormat, "migration-format", "", "force a migration format (default: detected per directory)")
	f.Int64Var(&c.maxFileSize, "max-file-size", 8<<20, "largest file stored, in bytes (larger ones are recorded by size only)")
	c.format, c.color = "text", "never"
	f.StringVar(&rev, "rev", "", "take the release at this git revision (default: the working tree, which needs no git)")
	f.StringVar(&revision, "revision", "", "the release's name as deployments know it, e.g. the image tag (default: the commit id, or CODEBUILD_RESOLVED_SOURCE_VERSION)")
	f.StringVarP(&output, "output", "o", "", "write the snapshot to FILE, gzip-compressed when it ends in .gz (\"-\": standard output, the default without --upload)")
	f.StringVar(&upload, "upload", "", "also store it at s3://BUCKET/PREFIX/<revision>.json.gz")
	f.StringVar(&repo, "repo", "", "the git repository, or without git the directory the release's paths start from")
	f.BoolVar(&noCache, "no-cache", false, "rebuild the reference index instead of reading the cache")
	f.BoolVarP(&verbose, "verbose", "v", false, "say what is read and skipped")
	f.StringVar(&rf.region, "region", "", "AWS region (default: the SDK's chain: AWS_REGION, profile)")
	f.StringVar(&rf.endpointURL, "endpoint-url", "", "AWS endpoint override, e.g. LocalStack (default: AWS_ENDPOINT_URL)")
	return cmd
}

// workingCommit is the commit the working tree was checked out from:
// CodeBuild's source version, or git's HEAD.
func workingCommit(env *checkEnv) string {
	if v := os.Getenv("CODEBUILD_RESOLVED_SOURCE_VERSION"); isCommitID(v) {
		return v
	}
	if env.repo != nil {
		if head, err := env.repo.Head(); err == nil {
			return head
		}
	}
	return ""
}

func isCommitID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// configFileIn is the config file's path in the tree, "" when there is
// none or it lies outside.
func configFileIn(env *checkEnv) string {
	if env.cfg.Path == "" {
		return ""
	}
	abs, err := filepath.Abs(env.cfg.Path)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(env.root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.ToSlash(rel)
}

// configFromSnapshot is the config a snapshot was taken with, validated
// like a schemagate.yaml.
func configFromSnapshot(sc snapshot.Config) (*config.Config, error) {
	doc := map[string]any{
		"pg-version":       sc.PGVersion,
		"schema-dump":      sc.SchemaDump,
		"exclude":          sc.Exclude,
		"rules":            sc.Rules,
		"lock-timeout-set": sc.LockTimeoutSet,
		"max-file-size":    sc.MaxFileSize,
		"references":       map[string]any{"exclude": sc.References.Exclude, "include-tests": sc.References.IncludeTests},
	}
	var dirs []map[string]any
	for _, d := range sc.Migrations {
		dir := d.Dir
		if sc.Dir != "" && sc.Dir != "." {
			dir = path.Join(sc.Dir, d.Dir)
		}
		dirs = append(dirs, map[string]any{"dir": dir, "format": d.Format, "post-deploy": d.PostDeploy})
	}
	doc["migrations"] = dirs
	data, err := yaml.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return config.Parse("snapshot config", data)
}

// snapshotSummary says what a snapshot holds per migration directory and
// format: a Rails app's migrations are kept as their Ruby files (check
// translates them when it reads the snapshot), so a count of SQL
// migrations alone would read "0 migrations" for a project that has many.
func snapshotSummary(snap *snapshot.Snapshot) string {
	var parts []string
	if snap.Read != nil {
		for _, d := range snap.Read.Dirs {
			p := fmt.Sprintf("%d %s %s in %s", d.Count, d.Format, plural(d.Count, "migration"), d.Path)
			if d.PostDeploy {
				p += " (post-deploy)"
			}
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "no migrations")
	}
	files, refs := len(snap.Migrations)+len(snap.Files), len(snap.References.Refs)
	return fmt.Sprintf("%s; %d %s stored for check (SQL, framework sources, schema dumps); %d %s",
		strings.Join(parts, ", "), files, plural(files, "file"), refs, plural(refs, "reference"))
}
