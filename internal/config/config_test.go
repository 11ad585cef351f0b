package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

func TestParse(t *testing.T) {
	text := `pg-version: 13
migrations:
  - dir: db/migrate
    format: rails
  - dir: db/post_migrate
    post-deploy: true
exclude: ["legacy/**"]
rules:
  prefer-text-field: warning
  require-lock-timeout: off
fail-on: hint
previous: origin/main
safety-assured: false
`
	c, err := Parse("schemagate.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		PG       int
		Dirs     []MigrationDir
		Exclude  []string
		FailOn   string
		Previous string
		Safety   bool
		TextSev  rules.Severity
		LockSev  rules.Severity
		Unset    bool
	}{c.PGVersion, c.Migrations, c.Exclude, c.FailOn, c.Previous, c.HonorSafetyAssured(), sev(c, "prefer-text-field"), sev(c, "require-lock-timeout"), isSet(c, "drop-column")}
	want := struct {
		PG       int
		Dirs     []MigrationDir
		Exclude  []string
		FailOn   string
		Previous string
		Safety   bool
		TextSev  rules.Severity
		LockSev  rules.Severity
		Unset    bool
	}{13, []MigrationDir{{Dir: "db/migrate", Format: "rails"}, {Dir: "db/post_migrate", PostDeploy: true}}, []string{"legacy/**"}, "hint", "origin/main", false, rules.Warning, rules.Off, false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func sev(c *Config, rule string) rules.Severity {
	s, _ := c.Severity(rule)
	return s
}

func isSet(c *Config, rule string) bool {
	_, ok := c.Severity(rule)
	return ok
}

// Unknown keys, rule names and values are errors with their line.
func TestParseErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"pg-version: 16\nrulez: {}\n", "line 2: field rulez not found"},
		{"rules:\n  prefer-text-field: warning\n  drop-colum: off\n", `line 3: unknown rule "drop-colum"`},
		{"rules:\n  drop-column: loud\n", `line 2: rule drop-column: unknown severity "loud"`},
		{"pg-version: 3\n", "line 1: pg-version 3 is not a PostgreSQL major version"},
		{"fail-on: sometimes\n", `line 1: fail-on: unknown level "sometimes"`},
		{"migrations:\n  - format: goose\n", "line 1: migrations[0] needs a dir"},
		{"migrations: [\n", "schemagate.yaml:"},
		// Found by probing: yaml.v3 panicked on a mapping key next to a merge key.
		{"rules: {<<, {00}}", "line 1: a key must be a name, not a mapping"},
		{"rules:\n  ? [a, b]\n  : off\n", "line 2: a key must be a name, not a list"},
		{"migrations:\n  - dir: db/migrate\n  - dir: db/post_migrate\n    post-deploy: true\n    format: rials\n", `line 5: migrations[1] (db/post_migrate): format: unknown migration format "rials" (valid: auto, sql,`},
		{"migrations:\n  - {dir: sql, format: [sql]}\n", "line 2: cannot unmarshal !!seq into string"},
	}
	for _, c := range cases {
		_, err := Parse("schemagate.yaml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.text, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is not one line: %q", c.text, err)
		}
	}
}

func TestFindUpwardAndDefaults(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if Find(deep) != "" {
		t.Fatal("found a config where there is none")
	}
	p := filepath.Join(root, FileName)
	if err := os.WriteFile(p, []byte("pg-version: 14\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Find(deep); got != p {
		t.Errorf("Find = %q, want %q", got, p)
	}
	c, err := Load(p)
	if err != nil || c.PGVersion != 14 || c.Root != root || c.Abs("db") != filepath.Join(root, "db") {
		t.Errorf("Load: %+v, %v", c, err)
	}
	d := Default()
	if d.PGVersion != 16 || !d.HonorSafetyAssured() {
		t.Errorf("defaults: %+v", d)
	}
	l, _ := ParseFailOn("warning")
	if !l.Fails(rules.Error) || !l.Fails(rules.Warning) || l.Fails(rules.Hint) {
		t.Error("fail-on warning")
	}
	if never, _ := ParseFailOn("never"); never.Fails(rules.Error) {
		t.Error("never fails nothing")
	}
}

// A directory's format: decides how it is read, unless the command line
// forces one for every directory.
func TestReadFormat(t *testing.T) {
	c, err := Parse("schemagate.yaml", []byte("migrations:\n  - dir: db/migrate\n    format: Rails\n  - dir: sql\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := []migration.Format{
		c.Migrations[0].ReadFormat(migration.FormatAuto),
		c.Migrations[1].ReadFormat(migration.FormatAuto),
		c.Migrations[0].ReadFormat(migration.FormatGoose),
	}
	want := []migration.Format{migration.FormatRails, migration.FormatAuto, migration.FormatGoose}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestUnlinted(t *testing.T) {
	c := Default()
	c.StartAfter = "20230101000000"
	cases := []struct {
		format, version string
		want            bool
	}{
		{"rails", "20221231235959", true},
		{"rails", "20230101000000", true},
		{"rails", "20230101000001", false},
		{"rails", "099", true}, // Rails' early numbered migrations
		{"sql", "20220101000000", false},
		{"rails", "", false},
	}
	for _, tc := range cases {
		if got := c.Unlinted(tc.format, tc.version); got != tc.want {
			t.Errorf("Unlinted(%s, %s) = %v, want %v", tc.format, tc.version, got, tc.want)
		}
	}
	if Default().Unlinted("rails", "1") {
		t.Error("without start_after every migration is linted")
	}
	if Default().PGVersionSet() {
		t.Error("the default PostgreSQL version counts as set")
	}
}
