package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/report"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// commonFlags are the flags lint, check and gate share.
type commonFlags struct {
	configPath      string
	format          string
	failOn          string
	pgVersion       int
	migrationFormat string
	includeDown     bool
	color           string
	ruleSeverities  []string
	maxFileSize     int64
	verbose         bool
	columnUnit      string
}

func (c *commonFlags) register(fs *pflag.FlagSet, defaultFailOn string) {
	fs.StringVar(&c.configPath, "config", "", "path to schemagate.yaml (default: found upward from the working directory)")
	fs.StringVarP(&c.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fs.StringVar(&c.failOn, "fail-on", "", "lowest severity that fails the run: error, warning, hint or never (default "+defaultFailOn+", or fail-on in the config)")
	fs.IntVar(&c.pgVersion, "pg-version", 0, "PostgreSQL major version the migrations run on (default 16, or pg-version in the config)")
	fs.StringVar(&c.migrationFormat, "migration-format", "", "force a migration format: "+formatNames()+" (default: detected per directory)")
	fs.BoolVar(&c.includeDown, "include-down", false, "also lint down migrations")
	fs.StringVar(&c.color, "color", "auto", "colour in the text format: auto, always or never")
	fs.StringArrayVar(&c.ruleSeverities, "rule", nil, "set a rule's severity, e.g. --rule prefer-text-field=warning (repeatable)")
	fs.Int64Var(&c.maxFileSize, "max-file-size", 8<<20, "largest migration file read, in bytes")
	fs.BoolVarP(&c.verbose, "verbose", "v", false, "say what is read and skipped: which directories were considered for migrations and why they were not taken")
	fs.StringVar(&c.columnUnit, "column-unit", report.ColumnChars, "what the column of file:line:col counts in the text and gcc formats: "+strings.Join(report.ColumnUnits, ", ")+" (Emacs counts chars, Vim bytes, LSP clients through efm-langserver utf-16)")
}

// logf prints, with -v, what a cache discarded or could not write.
func (c *commonFlags) logf(stdio IO) func(format string, args ...any) {
	if !c.verbose {
		return nil
	}
	return func(format string, args ...any) { fmt.Fprintf(stdio.Err, "schemagate: "+format+"\n", args...) }
}

// considered prints, with -v, which directories were read as migrations
// and which were considered and passed over, and why.
func (c *commonFlags) considered(stdio IO, dirs []migrations.Dir, rejected []migrations.Candidate) {
	if !c.verbose {
		return
	}
	for _, d := range dirs {
		fmt.Fprintf(stdio.Err, "schemagate: read %s: %s, %d migration(s) (%s)\n", d.Path, d.Format, d.Count, d.Found)
	}
	for _, r := range rejected {
		fmt.Fprintf(stdio.Err, "schemagate: not read %s: %s\n", r.Dir, r.Reason)
	}
}

// load reads the config and applies the flags to it.
func (c *commonFlags) load() (*config.Config, error) {
	var cfg *config.Config
	path := c.configPath
	if path == "" {
		if wd, err := os.Getwd(); err == nil {
			path = config.Find(wd)
		}
	}
	if path != "" {
		var err error
		cfg, err = config.Load(path)
		if err != nil {
			return nil, err
		}
	} else {
		cfg = config.Default()
	}
	if c.pgVersion != 0 {
		if c.pgVersion < 9 || c.pgVersion > 99 {
			return nil, fmt.Errorf("--pg-version %d is not a PostgreSQL major version (like 16)", c.pgVersion)
		}
		cfg.SetPGVersion(c.pgVersion)
	}
	for _, rs := range c.ruleSeverities {
		name, sev, ok := strings.Cut(rs, "=")
		if !ok {
			return nil, fmt.Errorf("--rule %q: want RULE=SEVERITY", rs)
		}
		if _, known := rules.Lookup(name); !known {
			return nil, fmt.Errorf("--rule: unknown rule %q (see `schemagate rules`)", name)
		}
		s, err := rules.ParseSeverity(sev)
		if err != nil {
			return nil, fmt.Errorf("--rule %s: %w", name, err)
		}
		cfg.SetSeverity(name, s)
	}
	wd, _ := os.Getwd()
	strongMigrationsDefaults(cfg, cfg.Root, wd)
	if c.maxFileSize > 0 && cfg.MaxFileSize == 0 {
		cfg.MaxFileSize = c.maxFileSize
	}
	if !slices.Contains(report.Formats(), c.format) {
		return nil, fmt.Errorf("unknown --format %q (want %s)", c.format, strings.Join(report.Formats(), ", "))
	}
	switch c.color {
	case "auto", "always", "never":
	default:
		return nil, fmt.Errorf("unknown --color %q (want auto, always or never)", c.color)
	}
	if c.columnUnit != "" && !slices.Contains(report.ColumnUnits, c.columnUnit) { // "" for commands without the flag
		return nil, fmt.Errorf("unknown --column-unit %q (want %s)", c.columnUnit, strings.Join(report.ColumnUnits, ", "))
	}
	return cfg, nil
}

func (c *commonFlags) failLevel(cfg *config.Config, def string) (config.FailLevel, error) {
	s := c.failOn
	if s == "" {
		s = cfg.FailOn
	}
	if s == "" {
		s = def
	}
	l, err := config.ParseFailOn(s)
	if err != nil {
		return 0, fmt.Errorf("--fail-on: %w", err)
	}
	return l, nil
}

func (c *commonFlags) loadOptions(cfg *config.Config) (migrations.PathOptions, error) {
	f, err := migration.ParseFormat(c.migrationFormat)
	if err != nil {
		return migrations.PathOptions{}, fmt.Errorf("--migration-format: %w", err)
	}
	var exclude []string
	for _, e := range cfg.Exclude {
		exclude = append(exclude, relToWD(cfg.Abs(e)), e)
	}
	return migrations.PathOptions{Format: f, IncludeDown: c.includeDown, MaxFileSize: cfg.MaxFileSize, PGVersion: cfg.PGVersion, Exclude: exclude}, nil
}

func (c *commonFlags) useColor(w io.Writer) bool {
	switch c.color {
	case "always":
		return true
	case "never":
		return false
	}
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// runReport is what a command reports: its findings, the files they are in,
// its notes, the migration directories it read, and the files it could
// not read (which make it exit 2 after the report).
type runReport struct {
	command  string
	findings []rules.Finding
	files    map[string]*source.File
	notes    []string
	dirs     []migrations.Dir
	problems []migrations.ReadError
	// ruleSummary ends the text report with the findings per rule.
	ruleSummary bool
}

// writeReport prints a run's report and returns the exit code it gives:
// 2 when files could not be read, else 1 for findings at the fail level.
func (c *commonFlags) writeReport(w, errw io.Writer, r runReport, level config.FailLevel) (int, error) {
	rep := &report.Report{Tool: "schemagate", Version: ToolVersion(), Command: r.command, Findings: r.findings, Files: r.files, Notes: r.notes, Migrations: reportDirs(r.dirs), RuleSummary: r.ruleSummary}
	code := ExitClean
	rep.Status = report.StatusOK
	if lint.FailingFindings(r.findings, level.Fails) > 0 {
		code, rep.Status = ExitFindings, report.StatusFindings
	}
	if len(r.problems) > 0 {
		var msgs []string
		for _, p := range r.problems {
			msgs = append(msgs, p.Error())
		}
		code, rep.Status, rep.Errors = ExitError, report.StatusError, msgs
	}
	if err := report.Write(w, c.format, rep, report.Options{Color: c.useColor(w), ColumnUnit: c.columnUnit}); err != nil {
		return ExitError, err
	}
	for _, p := range r.problems {
		fmt.Fprintln(errw, "schemagate: "+p.Error())
	}
	return code, nil
}

// reportDirs is the migrations array of a report.
func reportDirs(dirs []migrations.Dir) []report.Dir {
	out := make([]report.Dir, 0, len(dirs))
	for _, d := range dirs {
		out = append(out, report.Dir{Dir: d.Path, Format: d.Format.String(), Count: d.Count, Found: d.Found, PostDeploy: d.PostDeploy})
	}
	return out
}

// formatNames lists the migration formats for --migration-format's help.
func formatNames() string { return joinNames(migration.Formats) }

// joinNames lists names (formats, categories) for help and errors.
func joinNames[T ~string](list []T) string {
	names := make([]string, len(list))
	for i, n := range list {
		names[i] = string(n)
	}
	return strings.Join(names, ", ")
}
