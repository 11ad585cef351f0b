package migrations

import (
	"fmt"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		dir  string
		want migration.Format
	}{
		{"sql/basic", migration.FormatSQL},
		{"golang-migrate/basic", migration.FormatGolangMigrate},
		{"golang-migrate/duplicate", migration.FormatGolangMigrate},
		{"goose/basic", migration.FormatGoose},
		{"dbmate/basic", migration.FormatDbmate},
		{"flyway/basic", migration.FormatFlyway},
		{"flyway/basic/sub", migration.FormatFlyway},
		{"prisma/basic/migrations", migration.FormatPrisma},
		{"sqitch/basic", migration.FormatSqitch},
		{"sqitch/basic/deploy", migration.FormatSqitch},
		{"sqitch/basic/revert", migration.FormatSQL}, // not what sqitch deploys
		{"sqitch/conf", migration.FormatSqitch},
		{"mixed", migration.FormatSQL},
	}
	fsys := os.DirFS(fixtures)
	for _, tc := range cases {
		got, err := Detect(fsys, tc.dir)
		if err != nil {
			t.Errorf("Detect(%s): %v", tc.dir, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Detect(%s) = %s, want %s", tc.dir, got, tc.want)
		}
	}
}

// Layouts that only show in memory: Prisma without its lock file, Flyway
// entirely in subdirectories, an empty directory, a lone stray file.
func TestDetectLayouts(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	fsys := fstest.MapFS{
		"prisma/20240101000000_init/migration.sql":        file("CREATE TABLE a (id int);"),
		"prisma/20240102000000_second/migration.sql":      file("CREATE TABLE b (id int);"),
		"flyway/db/migration/v1/V1__a.sql":                file("CREATE TABLE a (id int);"),
		"flyway/db/migration/v2/V2__b.sql":                file("CREATE TABLE b (id int);"),
		"empty/README.md":                                 file("nothing yet"),
		"minority/001_a.sql":                              file("CREATE TABLE a (id int);"),
		"minority/002_b.sql":                              file("CREATE TABLE b (id int);"),
		"minority/003_c.sql":                              file("-- +goose Up\nCREATE TABLE c (id int);"),
		"goose-after-header/00001_x.sql":                  file("-- Copyright 2024 Example Inc.\n-- All rights reserved.\n\n-- +goose Up\nSELECT 1;"),
		"golang-migrate-with-stray/1_a.up.sql":            file("SELECT 1;"),
		"golang-migrate-with-stray/1_a.down.sql":          file("SELECT 1;"),
		"golang-migrate-with-stray/seed.sql":              file("SELECT 1;"),
		"flyway-versions-only/V2024.01.15.1030__init.sql": file("SELECT 1;"),
	}
	cases := []struct {
		dir  string
		want migration.Format
	}{
		{"prisma", migration.FormatPrisma},
		{"flyway", migration.FormatFlyway},
		{"empty", migration.FormatSQL},
		{"minority", migration.FormatSQL}, // one goose file among plain ones is not goose
		{"goose-after-header", migration.FormatGoose},
		{"golang-migrate-with-stray", migration.FormatGolangMigrate},
		{"flyway-versions-only", migration.FormatFlyway},
	}
	for _, tc := range cases {
		got, err := Detect(fsys, tc.dir)
		if err != nil {
			t.Errorf("Detect(%s): %v", tc.dir, err)
			continue
		}
		if got != tc.want {
			t.Errorf("Detect(%s) = %s, want %s", tc.dir, got, tc.want)
		}
	}
}

func TestDirectoryErrors(t *testing.T) {
	fsys := os.DirFS(fixtures)
	cases := []struct {
		dir  string
		want string
	}{
		{"no/such/dir", "migrations directory no/such/dir does not exist"},
		{"sql/basic/001_create_users.sql", "migrations directory sql/basic/001_create_users.sql is not a directory"},
		{"../outside", `migrations directory "../outside": not a valid path (slash-separated, relative, no ..)`},
		{"/abs", `migrations directory "/abs": not a valid path (slash-separated, relative, no ..)`},
	}
	for _, tc := range cases {
		_, err := Discover(fsys, tc.dir, migration.Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Discover(%s) error = %v, want %q", tc.dir, err, tc.want)
		}
		if _, err := Detect(fsys, tc.dir); err == nil || err.Error() != tc.want {
			t.Errorf("Detect(%s) error = %v, want %q", tc.dir, err, tc.want)
		}
	}
	for _, f := range []migration.Format{"liquibase", "Goose"} {
		_, err := Discover(fsys, "sql/basic", migration.Options{Format: f})
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("unknown migration format %q", f)) {
			t.Errorf("format %s: %v", f, err)
		}
	}
}

// A file that cannot be read (here a symlink whose target is gone) is
// skipped, not an error for the set.
func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/001_a.sql", []byte("SELECT 1;"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir+"/moved_away.sql", dir+"/002_b.sql"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	set, err := Discover(os.DirFS(dir), ".", migration.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []migration.Skipped{{Path: "002_b.sql", Reason: "cannot read: no such file or directory"}}
	if diff := cmp.Diff(want, set.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if len(set.Migrations) != 1 || set.Migrations[0].Path != "001_a.sql" {
		t.Errorf("migrations: %v", summarizeAll(set.Migrations))
	}
}
