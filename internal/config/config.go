// Package config reads schemagate.yaml. Unknown keys and rule names are
// errors with their line, never silently ignored.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

// FileName is the config file looked for upward from the working
// directory.
const FileName = "schemagate.yaml"

// Config is schemagate.yaml.
type Config struct {
	// Path is the file the config was read from ("" for defaults); Root
	// is its directory, which relative paths in it are relative to.
	Path string `yaml:"-"`
	Root string `yaml:"-"`

	// PGVersion is the PostgreSQL major version the migrations run on.
	PGVersion int `yaml:"pg-version"`
	// Migrations are the migration directories, each with an optional
	// format (auto-detected when empty).
	Migrations []MigrationDir `yaml:"migrations"`
	// Exclude are path globs skipped by lint and by reference indexing.
	Exclude []string `yaml:"exclude"`
	// Rules sets a severity per rule: error, warning, hint or off.
	Rules map[string]string `yaml:"rules"`
	// FailOn is the lowest severity that makes lint and check exit 1.
	FailOn string `yaml:"fail-on"`
	// Previous is the deployed revision check compares against.
	Previous string `yaml:"previous"`
	// ChangedFrom makes lint report only the migrations added or changed
	// since this git revision (lint --changed-from).
	ChangedFrom string `yaml:"changed-from"`
	// SchemaDump is a pg_dump --schema-only file (db/structure.sql).
	SchemaDump string `yaml:"schema-dump"`
	// References configures the reference index.
	References References `yaml:"references"`
	// LockTimeoutSet says the migration runner sets lock_timeout itself
	// (a connection option, Rails' database.yml variables), so
	// require-lock-timeout has nothing to ask for.
	LockTimeoutSet bool `yaml:"lock-timeout-set"`
	// MaxFileSize is the largest file read, in bytes.
	MaxFileSize int64 `yaml:"max-file-size"`
	// SafetyAssured says whether strong_migrations' safety_assured blocks
	// suppress lint findings inside them (default true). Compatibility
	// errors are never suppressed by them.
	SafetyAssured *bool `yaml:"safety-assured"`

	// StartAfter is a Rails migration version: migrations at or before
	// it are replayed but not linted (strong_migrations' start_after,
	// read from the application's initializer).
	StartAfter string `yaml:"-"`

	severities   map[string]rules.Severity
	pgVersionSet bool
}

// MigrationDir is one migration directory.
type MigrationDir struct {
	Dir string `yaml:"dir"`
	// Format is the directory's migration format (see ReadFormat); empty
	// means detected. Parse refuses a name migration.ParseFormat does not
	// know.
	Format string `yaml:"format"`
	// PostDeploy marks a directory whose migrations run after the new
	// release is deployed (Rails db/post_migrate when the deploy runs it
	// separately).
	PostDeploy bool `yaml:"post-deploy"`
}

// ReadFormat is the format the directory is read with: forced (the
// --migration-format flag) when it is not auto, else the directory's
// format:, else auto (detected from the files).
func (d MigrationDir) ReadFormat(forced migration.Format) migration.Format {
	if forced != migration.FormatAuto {
		return forced
	}
	f, err := migration.ParseFormat(d.Format)
	if err != nil {
		return migration.FormatAuto // not reached for a parsed config
	}
	return f
}

// References configures what the reference index reads.
type References struct {
	Exclude      []string `yaml:"exclude"`
	IncludeTests bool     `yaml:"include-tests"`
}

// Default returns the configuration used when there is no file.
func Default() *Config {
	c := &Config{}
	_ = c.validate(nil)
	return c
}

// Find looks for schemagate.yaml in dir and its parents. It returns ""
// when there is none.
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, FileName)
		// Only a regular file: a FIFO of that name would block the read.
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// maxSize bounds the config read: a config is a few hundred bytes.
const maxSize = 1 << 20

// Load reads the config at path (a pipe too: --config <(...)), at most
// maxSize bytes of it.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a schemagate config", path, maxSize)
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	c.Root = filepath.Dir(abs)
	return c, nil
}

// Parse reads config text; path is used in error messages. Whatever the
// text, the answer is a config or a one-line error, never a panic.
func Parse(path string, data []byte) (cfg *Config, err error) {
	defer func() {
		// The YAML decoder panics on some inputs; keys() turns away those
		// known (non-scalar keys), this catches any other.
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("%s: %s: %v", path, decoderFailed, oneLine(fmt.Sprint(r)))
		}
	}()
	c := &Config{Path: path}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s", path, oneLine(strings.TrimPrefix(err.Error(), "yaml: ")))
	}
	if err := keys(&root, 0); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(root.Content) > 0 {
		strict := yaml.NewDecoder(bytes.NewReader(data))
		strict.KnownFields(true)
		if err := strict.Decode(c); err != nil {
			return nil, fmt.Errorf("%s: %s", path, cleanYAMLError(err))
		}
	}
	if err := c.validate(&root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// decoderFailed starts the error for input the YAML decoder could not
// take at all.
const decoderFailed = "the YAML decoder failed on this file"

// maxDepth bounds how deep keys walks: a config is a few levels deep.
const maxDepth = 100

// keys refuses mappings whose keys are not plain values (a config's keys
// are names): yaml.v3 panics on some of them, such as a mapping used as a
// key next to a merge key (rules: {<<, {00}}). Aliases are not followed:
// what they point to was checked where it was defined.
func keys(n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("line %d: nested more than %d levels deep", n.Line, maxDepth)
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: a key must be a name, not a %s", n.Content[i].Line, kindName(k.Kind))
			}
		}
	}
	if n.Kind == yaml.AliasNode {
		return nil
	}
	for _, c := range n.Content {
		if err := keys(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	msg = strings.ReplaceAll(msg, "in type config.Config", "")
	msg = strings.ReplaceAll(msg, "in type config.MigrationDir", "")
	msg = strings.ReplaceAll(msg, "in type config.References", "")
	return strings.Join(strings.Fields(msg), " ")
}

// lineOf finds the line of a mapping key path in the YAML tree, for
// messages.
func lineOf(root *yaml.Node, keys ...string) int {
	if root == nil || len(root.Content) == 0 {
		return 0
	}
	n := root.Content[0]
	line := 0
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line = n.Content[i].Line
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func (c *Config) validate(root *yaml.Node) error {
	if c.PGVersion == 0 {
		c.PGVersion = 16
	} else {
		c.pgVersionSet = true
	}
	if c.PGVersion < 9 || c.PGVersion > 99 {
		return fmt.Errorf("line %d: pg-version %d is not a PostgreSQL major version (like 16)", lineOf(root, "pg-version"), c.PGVersion)
	}
	if c.FailOn != "" {
		if _, err := ParseFailOn(c.FailOn); err != nil {
			return fmt.Errorf("line %d: fail-on: %w", lineOf(root, "fail-on"), err)
		}
	}
	c.severities = map[string]rules.Severity{}
	for name, sev := range c.Rules {
		if _, ok := rules.Lookup(name); !ok {
			return fmt.Errorf("line %d: unknown rule %q (see `schemagate rules`)", lineOf(root, "rules", name), name)
		}
		s, err := rules.ParseSeverity(sev)
		if err != nil {
			return fmt.Errorf("line %d: rule %s: %w", lineOf(root, "rules", name), name, err)
		}
		c.severities[name] = s
	}
	for i, m := range c.Migrations {
		if m.Dir == "" {
			return fmt.Errorf("line %d: migrations[%d] needs a dir", lineOf(root, "migrations"), i)
		}
		if _, err := migration.ParseFormat(m.Format); err != nil {
			return fmt.Errorf("line %d: migrations[%d] (%s): format: %w", itemLine(root, "migrations", i, "format"), i, m.Dir, err)
		}
	}
	return nil
}

// itemLine finds the line of key in item i of the list under top, or of
// the list when there is no such item.
func itemLine(root *yaml.Node, top string, i int, key string) int {
	line := lineOf(root, top)
	if root == nil || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return line
	}
	m := root.Content[0]
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value != top {
			continue
		}
		list := m.Content[j+1]
		if list.Kind != yaml.SequenceNode || i >= len(list.Content) || list.Content[i].Kind != yaml.MappingNode {
			return line
		}
		item := list.Content[i]
		for k := 0; k+1 < len(item.Content); k += 2 {
			if item.Content[k].Value == key {
				return item.Content[k].Line
			}
		}
		return item.Line
	}
	return line
}

// Severity returns the severity configured for a rule, and whether one is
// configured.
func (c *Config) Severity(rule string) (rules.Severity, bool) {
	s, ok := c.severities[rule]
	return s, ok
}

// SetSeverity overrides a rule's severity (from a command-line flag).
func (c *Config) SetSeverity(rule string, s rules.Severity) {
	if c.severities == nil {
		c.severities = map[string]rules.Severity{}
	}
	c.severities[rule] = s
}

// Abs resolves a path from the config relative to its directory.
func (c *Config) Abs(p string) string {
	if filepath.IsAbs(p) || c.Root == "" {
		return p
	}
	return filepath.Join(c.Root, p)
}

// FailLevel is the lowest severity that fails a run; Never disables it.
type FailLevel int

// Never means no finding fails the run.
const Never FailLevel = 100

// ParseFailOn reads error, warning, hint or never.
func ParseFailOn(s string) (FailLevel, error) {
	if strings.EqualFold(s, "never") {
		return Never, nil
	}
	sev, err := rules.ParseSeverity(s)
	if err != nil || sev == rules.Off {
		return 0, fmt.Errorf("unknown level %q (want error, warning, hint or never)", s)
	}
	return FailLevel(sev), nil
}

// Fails reports whether a finding of severity s fails the run.
func (l FailLevel) Fails(s rules.Severity) bool {
	return l != Never && s != rules.Off && int(s) >= int(l)
}

// PGVersionSet reports whether the config file names the PostgreSQL
// version (or SetPGVersion did), rather than the default.
func (c *Config) PGVersionSet() bool { return c.pgVersionSet }

// SetPGVersion sets the PostgreSQL version (from a flag).
func (c *Config) SetPGVersion(v int) {
	c.PGVersion, c.pgVersionSet = v, true
}

// Unlinted reports whether a migration of format at version is one
// StartAfter leaves unlinted. Versions compare as numbers.
func (c *Config) Unlinted(format, version string) bool {
	if c.StartAfter == "" || format != "rails" || version == "" {
		return false
	}
	v, a := strings.TrimLeft(version, "0"), strings.TrimLeft(c.StartAfter, "0")
	if len(v) != len(a) {
		return len(v) < len(a)
	}
	return v <= a
}

// HonorSafetyAssured reports whether safety_assured blocks suppress lint
// findings.
func (c *Config) HonorSafetyAssured() bool {
	return c.SafetyAssured == nil || *c.SafetyAssured
}
