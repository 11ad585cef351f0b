package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/load"
	"github.com/schemagate/schemagate/internal/migrations"
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
		cfg.PGVersion = c.pgVersion
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
	if c.maxFileSize > 0 && cfg.MaxFileSize == 0 {
		cfg.MaxFileSize = c.maxFileSize
	}
	if !contains(report.Formats(), c.format) {
		return nil, fmt.Errorf("unknown --format %q (want %s)", c.format, strings.Join(report.Formats(), ", "))
	}
	switch c.color {
	case "auto", "always", "never":
	default:
		return nil, fmt.Errorf("unknown --color %q (want auto, always or never)", c.color)
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

func (c *commonFlags) loadOptions(cfg *config.Config) (load.Options, error) {
	f, err := migrations.ParseFormat(c.migrationFormat)
	if err != nil {
		return load.Options{}, fmt.Errorf("--migration-format: %w", err)
	}
	var exclude []string
	for _, e := range cfg.Exclude {
		exclude = append(exclude, relToWD(cfg.Abs(e)), e)
	}
	return load.Options{Format: f, IncludeDown: c.includeDown, MaxFileSize: cfg.MaxFileSize, PGVersion: cfg.PGVersion, Exclude: exclude}, nil
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

// writeReport prints findings and returns the exit code they give: 2
// when there are problems (what could not be read), which the report
// carries too (SARIF marks the run unsuccessful).
func (c *commonFlags) writeReport(w io.Writer, command string, findings []rules.Finding, files map[string]*source.File, notes []string, problems []load.Problem, level config.FailLevel) (int, error) {
	r := &report.Report{Tool: "schemagate", Version: ToolVersion(), Command: command, Findings: findings, Files: files, Notes: notes}
	for _, p := range problems {
		r.Errors = append(r.Errors, p.Error())
	}
	if err := report.Write(w, c.format, r, report.Options{Color: c.useColor(w)}); err != nil {
		return ExitError, err
	}
	if len(problems) > 0 {
		return ExitError, nil
	}
	if lint.FailingFindings(findings, level.Fails) > 0 {
		return ExitFindings, nil
	}
	return ExitClean, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// formatNames lists the migration formats for --migration-format's help.
func formatNames() string {
	names := make([]string, len(migrations.Formats))
	for i, f := range migrations.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
