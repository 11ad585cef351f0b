package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/internal/check"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/gitrev"
	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/scan"
	"github.com/schemagate/schemagate/internal/report"
	"github.com/schemagate/schemagate/internal/safefs"
)

func newRefsCmd(stdio IO) *cobra.Command {
	var (
		rev, format, column, table, configPath string
		noCache, verbose, includeTests         bool
	)
	var fromStats string // --from-pg-stat-statements (pgflags.go)
	cmd := &cobra.Command{
		Use:   "refs [PATH]",
		Short: "Index every table and column a release references, or answer who uses one",
		Long: `Refs builds the reference index of a release: SQL query files, SQL in the string literals of
Go, Ruby, Python, JavaScript/TypeScript and Java code, and ORM models (ActiveRecord, Django,
SQLAlchemy, Prisma, GORM, sqlx). PATH is a directory (default: the repository root, or the
working directory outside git); --rev reads a git revision straight from git objects instead.
--column users.email and --table users answer "who uses this?".

Exit codes: 0 done (also when nothing uses the column), 2 could not run.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(report.Formats(), format) {
				return fail("unknown --format %q (want %s)", format, strings.Join(report.Formats(), ", "))
			}
			cfg, err := loadConfig(configPath)
			if err != nil {
				return fail("%v", err)
			}
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			log := func(string, ...any) {}
			if verbose {
				log = func(f string, a ...any) { fmt.Fprintf(stdio.Err, "schemagate: "+f+"\n", a...) }
			}
			// The same files check indexes: all but the migrations (the
			// configured directories, or those discovery finds) and dumps.
			cfg.References.IncludeTests = includeTests || cfg.References.IncludeTests
			scope := &check.Scope{Config: cfg, Version: ToolVersion(), Log: log}
			if !noCache {
				scope.Cache = &scan.Cache{Log: log}
			}
			tree := check.Tree{Name: dir, FS: safefs.Dir(dir)}
			if rev != "" {
				repo, err := gitrev.Open(dir)
				if err != nil {
					return fail("%v", err)
				}
				if tree, err = check.OpenRevision(repo, nil, rev); err != nil {
					return fail("%v", err)
				}
			} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return fail("%s: not a directory", dir)
			}
			idx, err := scope.References(tree)
			if err != nil {
				return fail("%v", err)
			}
			if fromStats != "" {
				if idx, err = withStatStatements(fromStats, idx, log); err != nil {
					return fail("%v", err)
				}
			}
			label := tree.Name
			selected := idx.Refs
			switch {
			case column != "":
				t, c, ok := strings.Cut(column, ".")
				if i := strings.LastIndex(column, "."); i > 0 {
					t, c, ok = column[:i], column[i+1:], true
				}
				if !ok || c == "" {
					return fail("--column wants TABLE.COLUMN, e.g. users.email")
				}
				schema, name := splitSchema(t)
				selected = idx.Column(schema, name, c)
			case table != "":
				schema, name := splitSchema(table)
				selected = idx.Table(schema, name)
			}
			var text strings.Builder
			if column != "" || table != "" {
				writeUses(&text, selected)
			} else {
				writeRefsSummary(&text, selected)
			}
			if selected == nil {
				selected = []refs.Reference{}
			}
			rep := &report.Report{Tool: "schemagate", Version: ToolVersion(), Command: "refs", Status: report.StatusOK, NoFindings: true, Text: text.String(), Notes: scope.Unread(),
				Fields: []report.Field{{Key: "release", Value: filepath.ToSlash(label)}, {Key: "refs", Value: selected}}}
			if err := report.Write(stdio.Out, format, rep, report.Options{}); err != nil {
				return fail("%v", err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&rev, "rev", "", "index this git revision instead of the working tree")
	f.StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVar(&column, "column", "", "who uses TABLE.COLUMN (schema.table.column also works)")
	f.StringVar(&table, "table", "", "who uses TABLE")
	f.StringVar(&configPath, "config", "", "path to schemagate.yaml")
	f.BoolVar(&noCache, "no-cache", false, "rebuild the index instead of reading the cache")
	f.BoolVar(&includeTests, "include-tests", false, "also read test files and fixtures")
	f.BoolVarP(&verbose, "verbose", "v", false, "say what was read and skipped")
	f.StringVar(&fromStats, "from-pg-stat-statements", "", "also add the queries pg_stat_statements recorded in this database (read-only), as source kind runtime with their call counts")
	return cmd
}

func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		if wd, err := os.Getwd(); err == nil {
			path = config.Find(wd)
		}
	}
	if path == "" {
		return config.Default(), nil
	}
	return config.Load(path)
}

func splitSchema(t string) (string, string) {
	if s, n, ok := strings.Cut(t, "."); ok {
		return s, n
	}
	return "", t
}

// writeUses lists each place with its snippet.
func writeUses(w io.Writer, rs []refs.Reference) {
	if len(rs) == 0 {
		fmt.Fprintln(w, "no references")
		return
	}
	// The places that name the column come first; the models and
	// wildcards that load every column of the table after them; the
	// attribute uses matched by name only last.
	rank := func(r refs.Reference) int {
		switch {
		case r.ByName():
			return 2
		case r.Direct():
			return 0
		}
		return 1
	}
	rs = slices.Clone(rs)
	slices.SortStableFunc(rs, func(a, b refs.Reference) int { return rank(a) - rank(b) })
	direct, byName := 0, 0
	for _, r := range rs {
		switch rank(r) {
		case 0:
			direct++
		case 2:
			byName++
		}
		what := string(r.Usage)
		if r.Certainty != refs.Resolved {
			what += ", " + string(r.Certainty)
		}
		fmt.Fprintf(w, "%s:%d: %s (%s, %s)\n    %s\n", r.File, r.Line, refName(r), what, r.Source, r.Snippet)
	}
	fmt.Fprintf(w, "%d %s: %d naming it, %d through the whole table (model, SELECT *, INSERT)", len(rs), plural(len(rs), "reference"), direct, len(rs)-direct-byName)
	if byName > 0 {
		fmt.Fprintf(w, ", %d by attribute name on a value whose model is unknown", byName)
	}
	fmt.Fprintln(w)
}

func refName(r refs.Reference) string {
	n := r.Table
	if r.Schema != "" {
		n = r.Schema + "." + n
	}
	if r.Column != "" {
		return n + "." + r.Column
	}
	if r.Usage == refs.Wildcard || r.Usage == refs.Model {
		return n + ".*"
	}
	return n
}

// writeRefsSummary prints one row per table.column: usages, count and the
// first locations.
func writeRefsSummary(w io.Writer, rs []refs.Reference) {
	type row struct {
		usages map[string]bool
		count  int
		places []string
	}
	rows := map[string]*row{}
	for _, r := range rs {
		name := refName(r)
		if r.Table == "" {
			name = "?." + r.Column
		}
		rw := rows[name]
		if rw == nil {
			rw = &row{usages: map[string]bool{}}
			rows[name] = rw
		}
		rw.usages[string(r.Usage)] = true
		rw.count++
		if len(rw.places) < 3 {
			rw.places = append(rw.places, fmt.Sprintf("%s:%d", r.File, r.Line))
		}
	}
	names := make([]string, 0, len(rows))
	for n := range rows {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REFERENCE\tUSAGE\tCOUNT\tFIRST LOCATIONS")
	for _, n := range names {
		rw := rows[n]
		var us []string
		for u := range rw.usages {
			us = append(us, u)
		}
		sort.Strings(us)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", n, strings.Join(us, ","), rw.count, strings.Join(rw.places, " "))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d %s to %d tables and columns\n", len(rs), plural(len(rs), "reference"), len(rows))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
