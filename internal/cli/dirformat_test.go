package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A migration directory's format: in the config decides how it is read by
// every command: lint (the directory from the config, or a file in it named
// on the command line), check, snapshot. Here plain SQL files sit in a
// directory the config declares goose, which refuses files without an Up
// annotation (a project moving to goose); auto-detection would read them
// as plain SQL.
func TestConfiguredDirectoryFormatIsHonoured(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	const config = "migrations:\n  - dir: db/migrations\n    format: goose\n"
	const goose = "no '-- +goose Up' annotation: goose refuses this file"
	repo := writeRepo(t, map[string]string{
		"schemagate.yaml":             config,
		"db/migrations/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
		"queries/users.sql":           "SELECT id, email FROM users;\n",
	}, map[string]string{
		"schemagate.yaml":             config,
		"db/migrations/001_users.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
		"db/migrations/002_age.sql":   "ALTER TABLE users ADD COLUMN age integer;\n",
		"queries/users.sql":           "SELECT id, email FROM users;\n",
	})

	for _, tt := range []struct {
		args  []string
		files []string
	}{
		{[]string{"lint", "--format", "json"}, []string{"db/migrations/001_users.sql", "db/migrations/002_age.sql"}},
		{[]string{"lint", "--format", "json", "db/migrations/002_age.sql"}, []string{"db/migrations/002_age.sql"}},
		{[]string{"check", "--format", "json", "--previous", "previous"}, []string{"db/migrations/002_age.sql"}},
	} {
		args := tt.args
		_, out, stderr := run(t, repo, "", args...)
		var report struct {
			Findings []struct {
				Rule, File, Message string
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &report); err != nil {
			t.Fatalf("%v: %v\n%s\n%s", args, err, out, stderr)
		}
		var got []string
		for _, f := range report.Findings {
			if f.Rule == "migration-format" {
				got = append(got, f.File+": "+f.Message)
			}
		}
		var want []string
		for _, f := range tt.files {
			want = append(want, f+": "+goose)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%v: migration-format findings (-want +got):\n%s", args, diff)
		}
	}

	_, out, stderr := run(t, repo, "", "snapshot", "--revision", "r1", "--no-cache")
	var snap struct {
		Migrations []struct{ Path, Format string } `json:"migrations"`
	}
	if err := json.Unmarshal([]byte(out), &snap); err != nil {
		t.Fatalf("snapshot: %v\n%s", err, stderr)
	}
	for _, m := range snap.Migrations {
		if m.Format != "goose" {
			t.Errorf("snapshot: %s read as %s, want goose", m.Path, m.Format)
		}
	}
	if len(snap.Migrations) != 2 {
		t.Errorf("snapshot has %d migrations, want 2", len(snap.Migrations))
	}
}

// An unknown format is a config error with its line, for every command.
func TestConfiguredDirectoryFormatIsValidated(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"db/migrations/.keep": "",
		"schemagate.yaml":     "pg-version: 16\nmigrations:\n  - dir: db/migrations\n    format: gooose\n",
	})
	for _, cmd := range []string{"lint", "check", "snapshot"} {
		code, _, stderr := run(t, dir, "", cmd)
		want := `line 4: migrations[0] (db/migrations): format: unknown migration format "gooose"`
		if code != ExitError || !strings.Contains(stderr, want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one line with %q", cmd, code, stderr, want)
		}
	}
}
