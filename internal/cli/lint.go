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
	"github.com/schemagate/schemagate/internal/load"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/source"
)

// defaultMigrationDirs are tried, in order, when neither arguments nor
// the config name migration directories.
var defaultMigrationDirs = []string{"db/migrations", "db/migrate", "migrations", "prisma/migrations", "sql/migrations", "db"}

func newLintCmd(stdio IO) *cobra.Command {
	var (
		flags         commonFlags
		stdin         bool
		stdinFilename string
	)
	cmd := &cobra.Command{
		Use:   "lint [PATH...]",
		Short: "Lint migration files for unsafe DDL (locks, rewrites, transactions, compatibility)",
		Long: `Lint parses each migration with PostgreSQL's own parser and reports statements that take
dangerous locks, rewrite tables, misuse transactions or may break the release that is still
running. PATHs are migration files or directories (the format is detected per directory);
with none, the config's migration directories or the usual ones (db/migrations, migrations, ...)
are linted. "-" or --stdin lints standard input (name it with --stdin-filename).

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
			var loaded *load.Loaded
			if stdin {
				if len(args) > 0 {
					return fail("--stdin takes no paths")
				}
				loaded, err = readStdin(stdio.In, stdinFilename, lopt, cfg)
				if err != nil {
					return fail("%v", err)
				}
			} else {
				paths := args
				if len(paths) == 0 {
					paths, err = migrationPaths(cfg)
					if err != nil {
						return fail("%v", err)
					}
				}
				loaded = loadPaths(paths, lopt, cfg)
			}
			// Earlier migrations of the run build the schema later ones are
			// checked against (a column's old type, a validated CHECK).
			findings := lint.Run(loaded.Units, lint.Options{Config: cfg, Catalog: catalog.New()})
			code, err := flags.writeReport(stdio.Out, "lint", findings, loaded.Files, nil, loaded.Problems, level)
			if err != nil {
				return fail("%v", err)
			}
			for _, p := range loaded.Problems {
				fmt.Fprintln(stdio.Err, "schemagate: "+p.Error())
			}
			if len(loaded.Problems) > 0 {
				return exitWith(ExitError)
			}
			return exitWith(code)
		},
	}
	flags.register(cmd.Flags(), "warning")
	cmd.Flags().BoolVar(&stdin, "stdin", false, "lint standard input")
	cmd.Flags().StringVar(&stdinFilename, "stdin-filename", "stdin.sql", "the path standard input stands for (its name decides the migration format)")
	return cmd
}

// maxStdin bounds what --stdin reads, like the file size limit.
func readStdin(in io.Reader, name string, lopt load.Options, cfg *config.Config) (*load.Loaded, error) {
	limit := cfg.MaxFileSize
	if limit <= 0 {
		limit = 8 << 20
	}
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading standard input: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: standard input is larger than %d bytes (--max-file-size)", name, limit)
	}
	return load.Text(name, data, lopt)
}

// loadPaths reads each path with the format of the config's migration
// directory it is in (the deepest), unless --migration-format forces one.
func loadPaths(paths []string, lopt load.Options, cfg *config.Config) *load.Loaded {
	out := &load.Loaded{Files: map[string]*source.File{}}
	for _, p := range paths {
		o := lopt
		o.Format = configuredFormat(cfg, p, lopt.Format)
		l := load.Paths([]string{p}, o)
		out.Units = append(out.Units, l.Units...)
		out.Problems = append(out.Problems, l.Problems...)
		maps.Copy(out.Files, l.Files)
	}
	return out
}

func configuredFormat(cfg *config.Config, p string, forced migrations.Format) migrations.Format {
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

// migrationPaths returns the config's migration directories, or the first
// of the usual ones that exists.
func migrationPaths(cfg *config.Config) ([]string, error) {
	var out []string
	for _, m := range cfg.Migrations {
		out = append(out, relToWD(cfg.Abs(m.Dir)))
	}
	if len(out) > 0 {
		return out, nil
	}
	for _, d := range defaultMigrationDirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return []string{d}, nil
		}
	}
	return nil, fmt.Errorf("no paths given, no migrations in the config, and none of %v exists here", defaultMigrationDirs)
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
