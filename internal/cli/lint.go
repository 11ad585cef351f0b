package cli

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/lintcache"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

func newLintCmd(stdio IO) *cobra.Command {
	var (
		flags         commonFlags
		stdin         bool
		stdinFilename string
		changedFrom   string
		noCache       bool
	)
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Lint migration files for unsafe DDL (locks, rewrites, transactions, compatibility)",
		Long: `Lint parses each migration with PostgreSQL's own parser and reports statements that take
dangerous locks, rewrite tables, misuse transactions or may break the release that is still
running. PATHs are migration files or directories (the format is detected per directory);
with none, the config's migration directories, or every migration directory found below the
config's directory (or the working directory without one), at any depth. "-" or --stdin lints
standard input (name it with --stdin-filename). --changed-from REV (or changed-from in the
config) reports only the migrations added or modified since the git revision REV, committed
or not: what a pre-merge job or a pre-commit hook wants. A lint of every migration ends with
the number of findings per rule.

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 could not run.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := flags.load()
			if err != nil {
				return fail("%v", err)
			}
			level, err := flags.failLevel(cfg, "warning")
			if err != nil {
				return fail("%v", err)
			}
			lopt, err := flags.loadOptions(cfg)
			if err != nil {
				return fail("%v", err)
			}
			if len(args) == 1 && args[0] == "-" {
				stdin, args = true, nil
			}
			if changedFrom == "" && !stdin {
				changedFrom = cfg.ChangedFrom
			}
			var changed *changedSet
			if changedFrom != "" {
				if stdin {
					return fail("--changed-from and --stdin exclude each other")
				}
				if changed, err = changedSince(changedFrom); err != nil {
					return fail("--changed-from: %v", err)
				}
			}
			var store *lintcache.Store
			if !noCache {
				store = lintcache.Open(ToolVersion(), flags.logf(stdio))
				defer store.Wait()
			}
			var loaded *migrations.Loaded
			var notes []string
			var dirs []migrations.Dir
			var memo *lintMemo
			if stdin {
				if len(args) > 0 {
					return fail("--stdin takes no paths")
				}
				loaded, err = readStdin(stdio.In, stdinFilename, lopt, cfg)
				if err != nil {
					return fail("%v", err)
				}
			} else if len(args) > 0 {
				strongMigrationsDefaults(cfg, args...)
				if store != nil && changed == nil {
					if memo = newLintMemo(cmd, stdio, store, cfg, args); memo != nil {
						if code, ok, err := memo.recall(stdio.Out); ok {
							if err != nil {
								return fail("%v", err)
							}
							return exitWith(code)
						}
						stdio = memo.tee(stdio)
					}
				}
				loaded = loadPaths(args, lopt, cfg)
			} else {
				var found *migrations.Result
				if loaded, found, err = discoverHere(cfg, lopt); err != nil {
					return fail("%v", err)
				}
				notes, dirs = append(notes, found.Summary()), found.Dirs
				flags.considered(stdio, found.Dirs, found.Rejected)
			}
			// Earlier migrations of the run build the schema later ones are
			// checked against (a column's old type, a validated CHECK).
			lintOpt := lint.Options{Config: cfg, Catalog: catalog.New()}
			// The live heap grows to the findings and the catalog, and
			// collecting at 80 % growth instead of Go's 100 % keeps the
			// peak where it was before the parser's C heap was kept
			// between parses (sqlparse), which saves more CPU than the
			// extra collections cost. GOGC, when set, decides.
			defer collectAt(80)()
			if store != nil {
				lintOpt.Store = store
			}
			findings := lint.Run(loaded.Migrations, lintOpt)
			if changed != nil {
				// Every migration still builds the schema the changed ones
				// are checked against; only the changed ones are reported.
				var n int
				findings, n = changed.keep(findings, loaded.Migrations)
				notes = append(notes, fmt.Sprintf("%d %s added or modified since %s (of %d linted)", n, plural(n, "migration"), changedFrom, len(loaded.Migrations)))
			}
			code, err := flags.writeReport(stdio.Out, stdio.Err, runReport{command: "lint", findings: findings, files: loaded.Files, notes: notes, dirs: dirs, problems: loaded.Problems,
				ruleSummary: changed == nil && !stdin && len(args) == 0}, level)
			if err != nil {
				return fail("%v", err)
			}
			if memo != nil {
				memo.keep(loaded, code)
			}
			return exitWith(code)
		},
	}
	flags.register(cmd.Flags(), "warning")
	cmd.Flags().StringVar(&changedFrom, "changed-from", "", "report only the migrations added or modified since this git revision, committed or not (e.g. origin/main; default: changed-from in the config)")
	cmd.Flags().BoolVar(&stdin, "stdin", false, "lint standard input")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "lint every migration again instead of reading the findings of an earlier run over the same files ($"+lintcache.DirEnv+" sets the cache directory)")
	cmd.Flags().StringVar(&stdinFilename, "stdin-filename", "stdin.sql", "the path standard input stands for (its name decides the migration format)")
	return cmd
}

// maxStdin bounds what --stdin reads, like the file size limit.
func readStdin(in io.Reader, name string, lopt migrations.PathOptions, cfg *config.Config) (*migrations.Loaded, error) {
	limit := migration.Limit(cfg.MaxFileSize)
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: standard input is larger than %d bytes (--max-file-size)", name, limit)
	}
	return migrations.Text(name, data, lopt)
}

// loadPaths reads each path with the format of the config's migration
// directory it is in (the deepest), unless --migration-format forces one.
func loadPaths(paths []string, lopt migrations.PathOptions, cfg *config.Config) *migrations.Loaded {
	out := &migrations.Loaded{Files: map[string]*source.File{}}
	for _, p := range paths {
		o := lopt
		o.Format = configuredFormat(cfg, p, lopt.Format)
		l := migrations.Paths([]string{p}, o)
		out.Migrations = append(out.Migrations, l.Migrations...)
		out.Problems = append(out.Problems, l.Problems...)
		maps.Copy(out.Files, l.Files)
	}
	return out
}

func configuredFormat(cfg *config.Config, p string, forced migration.Format) migration.Format {
	abs, err := filepath.Abs(p)
	if err != nil {
		return forced
	}
	best, format := "", forced
	for _, m := range cfg.Migrations {
		d, err := filepath.Abs(cfg.Abs(m.Dir))
		if err != nil || len(d) <= len(best) {
			continue
		}
		if rel, err := filepath.Rel(d, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			best, format = d, m.ReadFormat(forced)
		}
	}
	return format
}

// discoverHere reads the migrations lint takes without paths: the
// config's directories, or those discovery finds below the config's
// directory (the working directory without one), with paths as lint
// prints them: from the working directory. Finding none, or a directory
// that looks like migrations and gives nothing, is an error.
func discoverHere(cfg *config.Config, lopt migrations.PathOptions) (*migrations.Loaded, *migrations.Result, error) {
	base := cfg.Root
	if base == "" {
		base = "."
	}
	var dirs []config.MigrationDir
	for _, m := range cfg.Migrations {
		rel, err := filepath.Rel(base, cfg.Abs(m.Dir))
		if err != nil || strings.HasPrefix(rel, "..") {
			return nil, nil, fmt.Errorf("migrations: %s is outside %s", m.Dir, base)
		}
		m.Dir = filepath.ToSlash(rel)
		dirs = append(dirs, m)
	}
	found, err := migrations.Load(safefs.Dir(base), migrations.Config{
		Dirs: dirs, Exclude: cfg.Exclude, Format: lopt.Format, IncludeDown: lopt.IncludeDown,
		MaxFileSize: lopt.MaxFileSize, PGVersion: lopt.PGVersion,
	})
	if err != nil {
		return nil, nil, err
	}
	where := relToWD(base)
	if where == "." {
		where = "the working directory"
	}
	if err := found.Blind(where); err != nil {
		return nil, nil, err
	}
	out := &migrations.Loaded{Files: map[string]*source.File{}}
	for _, m := range found.Migrations {
		p := relToWD(filepath.Join(base, filepath.FromSlash(m.Path)))
		m.Path, m.File.Path = filepath.ToSlash(p), filepath.ToSlash(p)
		out.Migrations = append(out.Migrations, m)
		out.Files[m.Path] = m.File
	}
	for _, s := range found.Skipped {
		p := filepath.ToSlash(relToWD(filepath.Join(base, filepath.FromSlash(s.Path))))
		out.Skip(p, s.Reason)
	}
	for i, d := range found.Dirs {
		found.Dirs[i].Path = filepath.ToSlash(relToWD(filepath.Join(base, filepath.FromSlash(d.Path))))
	}
	return out, found, nil
}

func relToWD(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(wd, p); err == nil && !filepath.IsAbs(r) && r != "" && r[0] != '.' || r == "." {
		return r
	}
	return p
}
