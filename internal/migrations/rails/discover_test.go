package rails

import (
	"os"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
)

const plainMigration = "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users\n  end\nend\n"

func TestDiscover(t *testing.T) {
	fsys := fstest.MapFS{
		"db/migrate/20240101000000_create_users.rb": {Data: []byte(plainMigration)},
		"db/migrate/9_early_bird.rb":                {Data: []byte(plainMigration)},
		"db/migrate/20231231235959_add_zip.rb":      {Data: []byte(plainMigration)},
		"db/migrate/20240102000000_add_index_concurrently.rb": {Data: []byte(
			"class AddIndexConcurrently < ActiveRecord::Migration[7.1]\n  disable_ddl_transaction!\n\n  def change\n    add_index :users, :zip, algorithm: :concurrently\n  end\nend\n")},
		"db/migrate/archive/20200101000000_old_one.rb":   {Data: []byte(plainMigration)},
		"db/migrate/20240103000000_create_users.rb":      {Data: []byte(plainMigration)},
		"db/migrate/20240104000000_binary.rb":            {Data: []byte("class X\x00")},
		"db/migrate/20240105000000_empty.rb":             {Data: []byte("\n")},
		"db/migrate/20240106000000_add_zip.rb":           {Data: []byte(plainMigration)},
		"db/migrate/20240101000000_duplicate_version.rb": {Data: []byte(plainMigration)},
		"db/migrate/README.md":                           {Data: []byte("# migrations")},
		"db/migrate/20240107000000_Bad-Name.rb":          {Data: []byte(plainMigration)},
		"db/migrate/helper.rb":                           {Data: []byte("module Helper; end")},
	}
	set, err := New().Discover(fsys, "db/migrate", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Path, Version, Name string
		Order               int
		Transactional       bool
		Problems            int
	}
	var got []row
	for _, m := range set.Migrations {
		got = append(got, row{m.Path, m.Version, m.Name, m.Order, m.Transactional, len(m.Problems)})
		if m.Format != migration.FormatRails || string(m.File.Text) == "" {
			t.Errorf("%s: format %q, %d bytes", m.Path, m.Format, len(m.File.Text))
		}
	}
	want := []row{
		{"db/migrate/9_early_bird.rb", "9", "early_bird", 0, true, 0},
		{"db/migrate/archive/20200101000000_old_one.rb", "20200101000000", "old_one", 1, true, 0},
		{"db/migrate/20231231235959_add_zip.rb", "20231231235959", "add_zip", 2, true, 1},
		{"db/migrate/20240101000000_create_users.rb", "20240101000000", "create_users", 3, true, 2},
		{"db/migrate/20240101000000_duplicate_version.rb", "20240101000000", "duplicate_version", 4, true, 1},
		{"db/migrate/20240102000000_add_index_concurrently.rb", "20240102000000", "add_index_concurrently", 5, false, 0},
		{"db/migrate/20240103000000_create_users.rb", "20240103000000", "create_users", 6, true, 1},
		{"db/migrate/20240106000000_add_zip.rb", "20240106000000", "add_zip", 7, true, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("migrations (-want +got):\n%s", diff)
	}
	wantSkipped := []migration.Skipped{
		{Path: "db/migrate/20240104000000_binary.rb", Reason: "binary file"},
		{Path: "db/migrate/20240105000000_empty.rb", Reason: "empty file"},
	}
	if diff := cmp.Diff(wantSkipped, set.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if _, err := New().Discover(fsys, "db/nowhere", migration.Options{}); err == nil {
		t.Error("Discover of a missing directory: no error")
	}
	small, err := New().Discover(fsys, "db/migrate", migration.Options{MaxFileSize: 10})
	if err != nil || len(small.Migrations) != 0 || len(small.Skipped) != 10 {
		t.Errorf("with a 10-byte limit: %d migrations, %d skipped, %v", len(small.Migrations), len(small.Skipped), err)
	}
}

func TestDetect(t *testing.T) {
	fsys := fstest.MapFS{
		"rails/db/migrate/20240101000000_create_users.rb":    {Data: []byte(plainMigration)},
		"gitlab/db/migrate/20240101000000_add_index.rb":      {Data: []byte("class AddIndex < Gitlab::Database::Migration[2.1]\nend\n")},
		"other/db/migrate/20240101000000_not_a_migration.rb": {Data: []byte("puts 'hi'\n")},
		"sql/db/migrate/20240101000000_create_users.sql":     {Data: []byte("CREATE TABLE users ();")},
		"docs/README.md": {Data: []byte("ActiveRecord::Migration")},
	}
	for dir, want := range map[string]bool{
		"rails/db/migrate": true, "gitlab/db/migrate": true, "other/db/migrate": false,
		"sql/db/migrate": false, "docs": false, "missing": false,
	} {
		if got := New().Detect(fsys, dir); got != want {
			t.Errorf("Detect(%s) = %v, want %v", dir, got, want)
		}
	}
	if New().Format() != migration.FormatRails {
		t.Errorf("Format() = %q", New().Format())
	}
}

// TestPostDeploy: migrations found in db/post_migrate run after the
// deploy, as GitLab and Mastodon schedule them.
func TestPostDeploy(t *testing.T) {
	ms := appMigrations(t)
	trs := New().Translate(ms, migration.TranslateOptions{})
	post := map[string]bool{}
	for _, tr := range trs {
		post[tr.Migration.Path] = tr.PostDeploy
	}
	if !post["db/post_migrate/20220301000000_remove_admin_from_users.rb"] || post["db/migrate/20220201000000_add_archived_at_to_events.rb"] {
		t.Errorf("PostDeploy = %v", post)
	}
	if _, err := os.Stat(appDir + "/db/post_migrate"); err != nil {
		t.Fatal(err)
	}
}
