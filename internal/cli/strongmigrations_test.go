package cli

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A Rails application that configures strong_migrations is linted with
// its settings as defaults: its lock_timeout silences require-lock-timeout,
// its target_version is the PostgreSQL version, and migrations before
// start_after are replayed but not linted.
func TestStrongMigrationsInitializer(t *testing.T) {
	migration := func(class, body string) string {
		return "class " + class + " < ActiveRecord::Migration[7.1]\n  def change\n" + body + "  end\nend\n"
	}
	files := map[string]string{
		"db/migrate/20220101000000_create_users.rb": migration("CreateUsers", "    create_table :users do |t|\n      t.string :email\n    end\n"),
		"db/migrate/20220201000000_old_index.rb":    migration("OldIndex", "    add_index :users, :email\n"),
		"db/migrate/20240101000000_new_index.rb":    migration("NewIndex", "    add_column :users, :score, :integer, default: 0\n    add_index :users, :score\n"),
	}
	initializer := "StrongMigrations.start_after = 20230101000000\nStrongMigrations.lock_timeout = 10.seconds\nStrongMigrations.target_version = 10\n"
	type hit struct {
		File string
		Rule string
	}
	// lintApp writes the application and lints it from its root, or, with
	// outside, from another directory with the path of its db/migrate.
	lintApp := func(t *testing.T, withInitializer, outside bool, args ...string) []hit {
		t.Helper()
		all := map[string]string{}
		for k, v := range files {
			all[k] = v
		}
		if withInitializer {
			all["config/initializers/strong_migrations.rb"] = initializer
		}
		dir := writeTree(t, all)
		cwd := dir
		if outside {
			cwd = t.TempDir()
			args = append(args, filepath.Join(dir, "db", "migrate"))
		}
		_, out, stderr := run(t, cwd, "", append([]string{"lint", "--format", "json", "--fail-on", "never"}, args...)...)
		var res struct {
			Findings []struct {
				File string `json:"file"`
				Rule string `json:"rule"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v: %s %s", err, out, stderr)
		}
		var got []hit
		for _, f := range res.Findings {
			if f.Rule == "data-migration" {
				continue
			}
			got = append(got, hit{filepath.Base(f.File), f.Rule})
		}
		sort.Slice(got, func(i, j int) bool { return got[i].File+got[i].Rule < got[j].File+got[j].Rule })
		return got
	}
	t.Run("without", func(t *testing.T) {
		want := []hit{
			{"20220201000000_old_index.rb", "require-concurrent-index-creation"},
			{"20240101000000_new_index.rb", "require-concurrent-index-creation"},
			{"20240101000000_new_index.rb", "require-lock-timeout"},
			{"20240101000000_new_index.rb", "statement-after-access-exclusive"},
		}
		if diff := cmp.Diff(want, lintApp(t, false, false)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("with", func(t *testing.T) {
		want := []hit{
			{"20240101000000_new_index.rb", "add-column-volatile-default"}, // PostgreSQL 10 rewrites for any default
			{"20240101000000_new_index.rb", "require-concurrent-index-creation"},
			{"20240101000000_new_index.rb", "statement-after-access-exclusive"},
		}
		if diff := cmp.Diff(want, lintApp(t, true, false)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("the flag wins over target_version", func(t *testing.T) {
		want := []hit{
			{"20240101000000_new_index.rb", "require-concurrent-index-creation"},
			{"20240101000000_new_index.rb", "statement-after-access-exclusive"},
		}
		if diff := cmp.Diff(want, lintApp(t, true, false, "--pg-version", "16")); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("found from the migration path", func(t *testing.T) {
		want := []hit{
			{"20240101000000_new_index.rb", "add-column-volatile-default"},
			{"20240101000000_new_index.rb", "require-concurrent-index-creation"},
			{"20240101000000_new_index.rb", "statement-after-access-exclusive"},
		}
		if diff := cmp.Diff(want, lintApp(t, true, true)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}
