package migrations

import (
	"bytes"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
)

func TestLoadFile(t *testing.T) {
	cases := []struct {
		path   string
		opt    migration.Options
		format migration.Format
		want   summary
	}{
		{"goose/basic/00003_index_users_email.sql", migration.Options{}, migration.FormatGoose, summary{
			Path: "goose/basic/00003_index_users_email.sql", Version: "3", Name: "index_users_email",
			Regions: []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);"}}},
		// No marker in the file: its directory tells that it is goose.
		{"goose/basic/00005_forgot_annotations.sql", migration.Options{}, migration.FormatGoose, summary{
			Path: "goose/basic/00005_forgot_annotations.sql", Version: "5", Name: "forgot_annotations", Transactional: true,
			Problems: []string{"1:1: no '-- +goose Up' annotation: goose refuses this file"}}},
		// A down file named on the command line is checked as a down migration.
		{"golang-migrate/basic/000001_create_accounts.down.sql", migration.Options{}, migration.FormatGolangMigrate, summary{
			Path: "golang-migrate/basic/000001_create_accounts.down.sql", Version: "1", Name: "create_accounts", Down: true,
			Regions: []string{"DROP TABLE IF EXISTS accounts;"}}},
		// The sibling .conf turns the transaction off.
		{"flyway/basic/V2__index_customer_email.sql", migration.Options{}, migration.FormatFlyway, summary{
			Path: "flyway/basic/V2__index_customer_email.sql", Version: "2", Name: "index_customer_email",
			Regions: []string{"CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);\nANALYZE customers;"}}},
		{"prisma/basic/migrations/20240101000000_init/migration.sql", migration.Options{}, migration.FormatPrisma, summary{
			Path: "prisma/basic/migrations/20240101000000_init/migration.sql", Version: "20240101000000", Name: "init", Transactional: true}},
		{"sqitch/basic/deploy/users@v1.0.sql", migration.Options{}, migration.FormatSqitch, summary{
			Path: "sqitch/basic/deploy/users@v1.0.sql", Version: "users@v1.0", Name: "users"}},
		{"dbmate/basic/20240102090000_index_posts_title.sql", migration.Options{}, migration.FormatDbmate, summary{
			Path: "dbmate/basic/20240102090000_index_posts_title.sql", Version: "20240102090000", Name: "index_posts_title",
			Regions: []string{"CREATE INDEX CONCURRENTLY posts_title_idx ON posts (title);"}}},
		{"sql/basic/002_add_email.sql", migration.Options{}, migration.FormatSQL, summary{
			Path: "sql/basic/002_add_email.sql", Version: "002", Name: "add_email"}},
		// Forcing a format whose naming the file does not follow.
		{"sql/basic/seed.sql", migration.Options{Format: migration.FormatFlyway}, migration.FormatFlyway, summary{
			Path: "sql/basic/seed.sql", Version: "seed", Name: "seed",
			Regions:  []string{"INSERT INTO users (name) VALUES ('admin');"},
			Problems: []string{"1:1: not a Flyway migration name (V<version>__<description>.sql or R__<description>.sql): Flyway ignores it"}}},
		{"./sql/basic/../basic/seed.sql", migration.Options{}, migration.FormatSQL, summary{
			Path: "sql/basic/seed.sql", Version: "seed", Name: "seed"}},
	}
	fsys := os.DirFS(fixtures)
	for _, tc := range cases {
		m, skipped, err := LoadFile(fsys, tc.path, tc.opt)
		if err != nil || skipped != nil {
			t.Errorf("LoadFile(%s): %v %v", tc.path, skipped, err)
			continue
		}
		got := summarize(m)
		if tc.want.Regions == nil {
			got.Regions = nil
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("LoadFile(%s) (-want +got):\n%s", tc.path, diff)
		}
		if m.Format != tc.format {
			t.Errorf("LoadFile(%s) format %s, want %s", tc.path, m.Format, tc.format)
		}
	}
}

func TestLoadFileSkippedAndErrors(t *testing.T) {
	fsys := os.DirFS(fixtures)
	skips := []struct{ path, reason string }{
		{"sql/basic/004_empty.sql", "empty file"},
		{"sql/basic/005_screenshot.sql", "binary file"},
		{"sql/basic/006_latin1.sql", "not valid UTF-8 (first bad byte at line 2, column 41)"},
	}
	for _, tc := range skips {
		m, skipped, err := LoadFile(fsys, tc.path, migration.Options{})
		if err != nil || m != nil || skipped == nil || *skipped != (migration.Skipped{Path: tc.path, Reason: tc.reason}) {
			t.Errorf("LoadFile(%s) = %v, %v, %v; want skipped %q", tc.path, m, skipped, err, tc.reason)
		}
	}
	errs := []struct{ path, want string }{
		{"sql/basic/999_missing.sql", "sql/basic/999_missing.sql: no such file"},
		{"sql/basic", "sql/basic is a directory, not a migration file"},
		{"../etc/passwd", `"../etc/passwd": not a valid path (slash-separated, relative, no ..)`},
	}
	for _, tc := range errs {
		_, _, err := LoadFile(fsys, tc.path, migration.Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("LoadFile(%s) error = %v, want %q", tc.path, err, tc.want)
		}
	}
}

func TestFromText(t *testing.T) {
	cases := []struct {
		name, path, text string
		format           migration.Format
		wantFormat       migration.Format
		want             summary
	}{
		{"goose by content, CRLF line ends", "db/migrations/00012_add_index.sql",
			"-- +goose NO TRANSACTION\r\n-- +goose Up\r\nCREATE INDEX CONCURRENTLY a_idx ON a (x);\r\n-- +goose Down\r\nDROP INDEX a_idx;\r\n",
			migration.FormatAuto, migration.FormatGoose, summary{Path: "db/migrations/00012_add_index.sql", Version: "12", Name: "add_index",
				Regions: []string{"CREATE INDEX CONCURRENTLY a_idx ON a (x);"}}},
		{"dbmate by content", "db/migrations/20240101000000_x.sql",
			"-- migrate:up\nALTER TABLE a ADD COLUMN b int;\n-- migrate:down\nALTER TABLE a DROP COLUMN b;\n",
			migration.FormatAuto, migration.FormatDbmate, summary{Path: "db/migrations/20240101000000_x.sql", Version: "20240101000000", Name: "x", Transactional: true,
				Regions: []string{"ALTER TABLE a ADD COLUMN b int;"}}},
		{"golang-migrate by name, one statement", "migrations/3_idx.up.sql",
			"CREATE INDEX CONCURRENTLY a_idx ON a (x);\n",
			migration.FormatAuto, migration.FormatGolangMigrate, summary{Path: "migrations/3_idx.up.sql", Version: "3", Name: "idx",
				Regions: []string{"CREATE INDEX CONCURRENTLY a_idx ON a (x);"}}},
		{"golang-migrate: a function body with semicolons is one statement", "migrations/4_fn.up.sql",
			"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END; $$;\n",
			migration.FormatAuto, migration.FormatGolangMigrate, summary{Path: "migrations/4_fn.up.sql", Version: "4", Name: "fn"}},
		{"golang-migrate: a BEGIN ATOMIC body is one statement", "migrations/5_fn.up.sql",
			"CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n",
			migration.FormatAuto, migration.FormatGolangMigrate, summary{Path: "migrations/5_fn.up.sql", Version: "5", Name: "fn"}},
		{"golang-migrate: statements with a syntax error still count", "migrations/6_bad.up.sql",
			"ALTER TABLE a ADD COLUMNN b int;\nALTER TABLE a ADD COLUMN c int;\n",
			migration.FormatAuto, migration.FormatGolangMigrate, summary{Path: "migrations/6_bad.up.sql", Version: "6", Name: "bad", Transactional: true}},
		{"flyway by name", "src/main/resources/db/migration/V7__drop_legacy.sql",
			"ALTER TABLE a DROP COLUMN legacy;\n",
			migration.FormatAuto, migration.FormatFlyway, summary{Path: "src/main/resources/db/migration/V7__drop_legacy.sql", Version: "7", Name: "drop_legacy", Transactional: true}},
		{"prisma by path", "prisma/migrations/20240301000000_add_col/migration.sql",
			"ALTER TABLE \"User\" ADD COLUMN \"age\" INTEGER;\n",
			migration.FormatAuto, migration.FormatPrisma, summary{Path: "prisma/migrations/20240301000000_add_col/migration.sql", Version: "20240301000000", Name: "add_col"}},
		{"sqitch deploy directory", "deploy/widgets.sql",
			"BEGIN;\nCREATE TABLE widgets (id int);\nCOMMIT;\n",
			migration.FormatAuto, migration.FormatSqitch, summary{Path: "deploy/widgets.sql", Version: "widgets", Name: "widgets"}},
		{"plain", "scratch.sql", "SELECT 1;\n",
			migration.FormatAuto, migration.FormatSQL, summary{Path: "scratch.sql", Version: "scratch", Name: "scratch", Regions: []string{"SELECT 1;"}}},
		{"forced goose on an unnamed buffer", "untitled.sql", "-- +goose Up\nSELECT 1;\n",
			migration.FormatGoose, migration.FormatGoose, summary{Path: "untitled.sql", Version: "untitled", Name: "untitled", Transactional: true,
				Regions:  []string{"SELECT 1;"},
				Problems: []string{"1:1: not a goose file name (<version>_<name>.sql): goose ignores it"}}},
		{"empty buffer", "db/migrations/00013_new.sql", "",
			migration.FormatAuto, migration.FormatSQL, summary{Path: "db/migrations/00013_new.sql", Version: "00013", Name: "new", Regions: []string{""}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := FromText(tc.path, []byte(tc.text), tc.format)
			got := summarize(m)
			if tc.want.Regions == nil {
				got.Regions = nil
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if m.Format != tc.wantFormat {
				t.Errorf("format %s, want %s", m.Format, tc.wantFormat)
			}
			if string(m.File.Text) != tc.text {
				t.Errorf("File.Text differs from the text given")
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range migration.Formats {
		got, err := migration.ParseFormat(strings.ToUpper(string(f)))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%s) = %s, %v", f, got, err)
		}
	}
	aliases := []struct {
		in   string
		want migration.Format
	}{
		{"", migration.FormatAuto},
		{"auto", migration.FormatAuto},
		{" plain ", migration.FormatSQL}, // surrounding spaces are trimmed
		{"migrate", migration.FormatGolangMigrate},
		{"go-migrations", migration.FormatGoList},
	}
	for _, a := range aliases {
		if got, err := migration.ParseFormat(a.in); err != nil || got != a.want {
			t.Errorf("ParseFormat(%q) = %s, %v; want %s", a.in, got, err, a.want)
		}
	}
	_, err := migration.ParseFormat("liquibase")
	want := `unknown migration format "liquibase" (valid: auto, sql, golang-migrate, goose, dbmate, flyway, prisma, sqitch, rails, django, alembic, goose-go, go-list, go-versioned, typeorm, node-pg-migrate, knex, sequelize)`
	if err == nil || err.Error() != want {
		t.Errorf("ParseFormat(liquibase) error = %v, want %q", err, want)
	}
}

func TestFileSizeLimit(t *testing.T) {
	big := bytes.Repeat([]byte("INSERT INTO t VALUES (1);\n"), (9<<20)/26)
	fsys := fstest.MapFS{
		"m/001_small.sql": {Data: []byte("SELECT 1;\n")},
		"m/002_dump.sql":  {Data: big},
		"m/003_mid.sql":   {Data: bytes.Repeat([]byte("-- padding\n"), 200)},
	}
	cases := []struct {
		opt  migration.Options
		want []migration.Skipped
	}{
		{migration.Options{}, []migration.Skipped{{Path: "m/002_dump.sql", Reason: "larger than 8 MiB"}}},
		{migration.Options{MaxFileSize: 1 << 10}, []migration.Skipped{{Path: "m/002_dump.sql", Reason: "larger than 1 KiB"}, {Path: "m/003_mid.sql", Reason: "larger than 1 KiB"}}},
		{migration.Options{MaxFileSize: 1000}, []migration.Skipped{{Path: "m/002_dump.sql", Reason: "larger than 1000 bytes"}, {Path: "m/003_mid.sql", Reason: "larger than 1000 bytes"}}},
	}
	for _, tc := range cases {
		set, err := Discover(fsys, "m", tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, set.Skipped); diff != "" {
			t.Errorf("MaxFileSize %d: skipped (-want +got):\n%s", tc.opt.MaxFileSize, diff)
		}
		if len(set.Migrations)+len(set.Skipped) != 3 {
			t.Errorf("MaxFileSize %d: %d migrations", tc.opt.MaxFileSize, len(set.Migrations))
		}
	}
}

func TestTextProblems(t *testing.T) {
	cases := []struct {
		text string
		want string
	}{
		{"SELECT 1;", ""},
		{"\xef\xbb\xbfSELECT 1;", ""},
		{"", "empty file"},
		{" \n\t\n", "empty file"},
		{"\xef\xbb\xbf\n", "empty file"},
		{"\xff\xfeS\x00E\x00", "UTF-16 text (save it as UTF-8)"},
		{"SELECT 1;\x00", "binary file"},
		{"SELECT 'é';\nSELECT 'caf\xe9';", "not valid UTF-8 (first bad byte at line 2, column 12)"},
		{"-- ü\xc3", "not valid UTF-8 (first bad byte at line 1, column 5)"},
	}
	for _, tc := range cases {
		if got := migration.TextProblem([]byte(tc.text)); got != tc.want {
			t.Errorf("migration.TextProblem(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// A Django directory configured at the app's package holds the models
// the reference index must read: only its migrations are skipped.
func TestSkipKeepsDjangoModels(t *testing.T) {
	fsys := fstest.MapFS{
		"pkg/shop/__init__.py":                 {Data: []byte("")},
		"pkg/shop/models.py":                   {Data: []byte("from django.db import models\n\nclass Order(models.Model):\n    total = models.IntegerField()\n")},
		"pkg/shop/migrations/__init__.py":      {Data: []byte("")},
		"pkg/shop/migrations/0001_initial.py":  {Data: []byte("from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = []\n    operations = []\n")},
		"db/migrate/20240101000000_create.sql": {Data: []byte("CREATE TABLE t (id int);\n")},
	}
	res, err := Load(fsys, Config{Dirs: []config.MigrationDir{{Dir: "pkg/shop", Format: "django"}, {Dir: "db/migrate", Format: "sql"}}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"db/migrate/**", "pkg/shop/migrations/**"}
	if diff := cmp.Diff(want, res.Skip()); diff != "" {
		t.Errorf("Skip() (-want +got):\n%s", diff)
	}
}
