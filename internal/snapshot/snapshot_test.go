package snapshot_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/refs/build"
	"github.com/schemagate/schemagate/internal/snapshot"
	"github.com/schemagate/schemagate/internal/version"
)

// manyFormats is a repository with a migration directory of every kind
// check looks for by default, plus the files around them a snapshot must
// keep (downs, Flyway script configs, a schema dump, Django and Alembic
// migrations) and some it must not (application code, node_modules).
var manyFormats = map[string]string{
	"db/migrations/00001_create_users.sql":                "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, legacy_score integer);\n-- +goose Down\nDROP TABLE users;\n",
	"db/migrations/00002_index_email.sql":                 "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n",
	"db/migrations/logo.png":                              "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
	"db/migrations/README.md":                             "Migrations run with goose.\n",
	"migrations/1_create_orders.up.sql":                   "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL);\nCREATE INDEX orders_user ON orders (user_id);\n",
	"migrations/1_create_orders.down.sql":                 "DROP TABLE orders;\n",
	"sql/migrations/V1__init.sql":                         "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n",
	"sql/migrations/V2__items_name.sql":                   "CREATE INDEX CONCURRENTLY items_name ON items (name);\n",
	"sql/migrations/V2__items_name.sql.conf":              "executeInTransaction=false\n",
	"sql/migrations/R__item_view.sql":                     "CREATE OR REPLACE VIEW item_names AS SELECT name FROM items;\n",
	"prisma/migrations/20240101000000_init/migration.sql": "CREATE TABLE \"Post\" (\"id\" SERIAL PRIMARY KEY, \"title\" TEXT NOT NULL);\n",
	"prisma/migrations/migration_lock.toml":               "provider = \"postgresql\"\n",
	"db/structure.sql":                                    "CREATE TABLE public.users (\n    id bigint NOT NULL,\n    email text NOT NULL\n);\n",
	"shop/migrations/0001_initial.py":                     "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    initial = True\n    operations = []\n",
	"shop/models.py":                                      "from django.db import models\n\nclass Order(models.Model):\n    total = models.IntegerField()\n",
	"alembic.ini":                                         "[alembic]\nscript_location = alembic\n",
	"alembic/env.py":                                      "from alembic import context\n",
	"alembic/versions/ab12_init.py":                       "revision = 'ab12'\ndown_revision = None\n",
	"db/query/users.sql":                                  "-- name: GetUser :one\nSELECT id, email, legacy_score FROM users WHERE id = $1;\n",
	"internal/store/orders.go":                            "package store\n\nconst q = `SELECT id, user_id FROM orders WHERE id = $1`\n",
	"node_modules/lib/migrations/1.sql":                   "DROP TABLE everything;\n",
}

// sqitchUnderConfigDir is a monorepo whose config sits in app/ and names
// a sqitch project; one migration is larger than the configured limit.
var sqitchUnderConfigDir = map[string]string{
	"app/schemagate.yaml":            "migrations:\n  - dir: db/sqitch\nmax-file-size: 200\n",
	"app/db/sqitch/sqitch.plan":      "%syntax-version=1.0.0\n%project=shop\n\nusers 2024-01-01T00:00:00Z Dev <dev@example.com> # users\nbig 2024-01-02T00:00:00Z Dev <dev@example.com> # a big one\n",
	"app/db/sqitch/deploy/users.sql": "BEGIN;\nCREATE TABLE users (id bigint PRIMARY KEY);\nCOMMIT;\n",
	"app/db/sqitch/deploy/big.sql":   "BEGIN;\n" + strings.Repeat("-- padding line to pass the limit\n", 10) + "ALTER TABLE users ADD COLUMN note text;\nCOMMIT;\n",
	"app/db/sqitch/revert/users.sql": "DROP TABLE users;\n",
	"app/src/users.sql":              "SELECT id FROM users;\n",
	"README.md":                      "monorepo\n",
}

func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, text := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type treeCase struct {
	name  string
	files map[string]string
	cfg   func(t *testing.T) (*config.Config, snapshot.Options)
	// want are the paths the snapshot must hold (migrations and files).
	want []string
	// skipped is how many migration files the tree has that migrations
	// skips (too large, ...).
	skipped int
}

func treeCases() []treeCase {
	return []treeCase{
		{
			name: "default directories of every format", files: manyFormats,
			cfg: func(*testing.T) (*config.Config, snapshot.Options) {
				return config.Default(), snapshot.Options{}
			},
			want: []string{
				"alembic.ini", "alembic/versions/ab12_init.py", "db/migrations/00001_create_users.sql", "db/migrations/00002_index_email.sql",
				"db/migrations/README.md", "db/migrations/logo.png", "db/structure.sql", "migrations/1_create_orders.down.sql",
				"migrations/1_create_orders.up.sql", "prisma/migrations/20240101000000_init/migration.sql", "prisma/migrations/migration_lock.toml",
				"shop/migrations/0001_initial.py", "sql/migrations/R__item_view.sql", "sql/migrations/V1__init.sql", "sql/migrations/V2__items_name.sql",
				"sql/migrations/V2__items_name.sql.conf",
			},
		},
		{
			name: "configured sqitch project under the config's directory", files: sqitchUnderConfigDir,
			cfg: func(t *testing.T) (*config.Config, snapshot.Options) {
				cfg, err := config.Parse("app/schemagate.yaml", []byte(sqitchUnderConfigDir["app/schemagate.yaml"]))
				if err != nil {
					t.Fatal(err)
				}
				return cfg, snapshot.Options{Prefix: "app", ConfigFile: "app/schemagate.yaml", Dirs: []config.MigrationDir{{Dir: "app/db/sqitch"}}}
			},
			want:    []string{"app/db/sqitch/deploy/big.sql", "app/db/sqitch/deploy/users.sql", "app/db/sqitch/revert/users.sql", "app/db/sqitch/sqitch.plan"},
			skipped: 1,
		},
	}
}

func buildSnapshot(t testing.TB, fsys fs.FS, cfg *config.Config, opt snapshot.Options) *snapshot.Snapshot {
	t.Helper()
	idx, _, _, err := build.Index(fsys, build.Options{Exclude: []string{"db/migrations/**", "migrations/**", "sql/migrations/**", "prisma/migrations/**", "db/structure.sql", "app/db/sqitch/**"}})
	if err != nil {
		t.Fatal(err)
	}
	opt.Config, opt.Index, opt.Version = cfg, idx, "v0.0.0-test"
	if opt.Revision == "" {
		opt.Revision = "3f2c1ab"
	}
	s, err := snapshot.Build(fsys, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// migrationSummary is what check takes from a migration.
type migrationSummary struct {
	Path, Format, Version, Checksum string
	Transactional, Repeatable       bool
	Problems                        []string
}

func discoverAll(t *testing.T, fsys fs.FS, dirs []string, maxSize int64) ([]migrationSummary, []migration.Skipped) {
	t.Helper()
	var out []migrationSummary
	var skipped []migration.Skipped
	for _, d := range dirs {
		set, err := migrations.Discover(fsys, d, migration.Options{MaxFileSize: maxSize})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		for _, m := range set.Migrations {
			var probs []string
			for _, p := range m.Problems {
				probs = append(probs, p.Message)
			}
			out = append(out, migrationSummary{m.Path, string(m.Format), m.Version, migration.Checksum(m.File.Text), m.Transactional, m.Repeatable, probs})
		}
		skipped = append(skipped, set.Skipped...)
	}
	return out, skipped
}

// A snapshot's file system reads like the tree it was taken from: the
// same migrations, formats, versions, checksums and transaction modes,
// the same skipped files, the same bytes for every file it keeps.
func TestSnapshotReadsLikeItsTree(t *testing.T) {
	for _, tc := range treeCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			orig := os.DirFS(dir)
			cfg, opt := tc.cfg(t)
			s := buildSnapshot(t, orig, cfg, opt)
			sfs := s.FS()

			var got []string
			for _, m := range s.Migrations {
				got = append(got, m.Path)
			}
			for _, f := range s.Files {
				got = append(got, f.Path)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("paths in the snapshot (-want +got):\n%s", diff)
			}

			var dirs []string
			for _, d := range opt.Dirs {
				dirs = append(dirs, d.Dir)
			}
			if len(dirs) == 0 {
				// The directories discovery finds in the tree.
				loaded, err := migrations.Load(orig, migrations.Config{MaxFileSize: cfg.MaxFileSize})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range loaded.Dirs {
					dirs = append(dirs, d.Path)
				}
			}
			wantMigs, wantSkipped := discoverAll(t, orig, dirs, cfg.MaxFileSize)
			gotMigs, gotSkipped := discoverAll(t, sfs, dirs, cfg.MaxFileSize)
			if len(wantMigs) == 0 {
				t.Fatal("the tree has no migrations: the case tests nothing")
			}
			if diff := cmp.Diff(wantMigs, gotMigs); diff != "" {
				t.Errorf("migrations (-tree +snapshot):\n%s", diff)
			}
			if len(wantSkipped) != tc.skipped {
				t.Errorf("the tree has %d skipped files (%v), want %d", len(wantSkipped), wantSkipped, tc.skipped)
			}
			if diff := cmp.Diff(wantSkipped, gotSkipped); diff != "" {
				t.Errorf("skipped files (-tree +snapshot):\n%s", diff)
			}
			for _, p := range got {
				want, _ := fs.ReadFile(orig, p)
				gotData, err := fs.ReadFile(sfs, p)
				st, _ := fs.Stat(sfs, p)
				switch {
				case int64(len(want)) > max(cfg.MaxFileSize, 1) && cfg.MaxFileSize > 0:
					if err == nil || st.Size() != int64(len(want)) {
						t.Errorf("%s: over the limit: want its size %d and no content, got size %d, err %v", p, len(want), st.Size(), err)
					}
				case err != nil || !bytes.Equal(gotData, want):
					t.Errorf("%s: content differs (err %v)", p, err)
				}
			}
			if err := fstest.TestFS(sfs, tc.want...); err != nil && cfg.MaxFileSize == 0 {
				t.Errorf("fstest: %v", err)
			}
		})
	}
}

// The same tree gives the same bytes, and the gzip header carries no
// name or time.
func TestMarshalIsDeterministic(t *testing.T) {
	dir := writeTree(t, manyFormats)
	var outs [][]byte
	for range 2 {
		s := buildSnapshot(t, os.DirFS(dir), config.Default(), snapshot.Options{Commit: "3f2c1ab0e1d2c3b4a5968778695a4b3c2d1e0f9a"})
		gz, err := s.Marshal(true)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, gz)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two snapshots of the same tree differ")
	}
	zr, err := gzip.NewReader(bytes.NewReader(outs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Header.Name != "" || !zr.Header.ModTime.IsZero() || zr.Header.Comment != "" {
		t.Errorf("gzip header %+v carries a name, time or comment", zr.Header)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(plain, []byte(`{"format":1,"min_format":1,"schemagate_version":"v0.0.0-test","revision":"3f2c1ab","commit":"3f2c1ab0e1d2c3b4a5968778695a4b3c2d1e0f9a","config":{`)) {
		t.Errorf("the document does not start with its format and identity:\n%.200s", plain)
	}
	// Decoding and encoding again gives the same document.
	s, err := snapshot.Decode(bytes.NewReader(outs[0]), "s.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Marshal(false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, plain) {
		t.Error("decode + encode changed the document")
	}
	if s.Name() != "3f2c1ab" {
		t.Errorf("Name() = %q, want the short commit", s.Name())
	}
}

func TestName(t *testing.T) {
	for _, tc := range []struct{ revision, commit, want string }{
		{"3f2c1ab", "3f2c1ab0e1d2c3b4a5968778695a4b3c2d1e0f9a", "3f2c1ab"},
		{"3f2c1ab0e1d2c3b4a5968778695a4b3c2d1e0f9a", "3f2c1ab0e1d2c3b4a5968778695a4b3c2d1e0f9a", "3f2c1ab"},
		{"v1.4.2", "3f2c1ab0e1d2c3b4a5968778695a4b3c2d1e0f9a", "3f2c1ab (v1.4.2)"},
		{"v1.4.2", "", "v1.4.2"},
	} {
		s := &snapshot.Snapshot{Revision: tc.revision, Commit: tc.commit}
		if got := s.Name(); got != tc.want {
			t.Errorf("Name(%q, %q) = %q, want %q", tc.revision, tc.commit, got, tc.want)
		}
	}
}

// Bad documents are refused with one line saying why; none is partly used.
func TestDecodeRefusesBadDocuments(t *testing.T) {
	dir := writeTree(t, manyFormats)
	s := buildSnapshot(t, os.DirFS(dir), config.Default(), snapshot.Options{})
	gz, err := s.Marshal(true)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Marshal(false)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(doc map[string]any)) []byte {
		var doc map[string]any
		if err := jsonUnmarshal(plain, &doc); err != nil {
			t.Fatal(err)
		}
		f(doc)
		return jsonMarshal(t, doc)
	}
	firstMigration := func(doc map[string]any) map[string]any {
		return doc["migrations"].([]any)[0].(map[string]any)
	}
	damaged := bytes.Clone(gz)
	damaged[len(damaged)-6] ^= 0xff // the CRC-32 in the gzip trailer

	cases := []struct {
		name string
		data []byte
		want string // substring of the error
		kind any    // *snapshot.CorruptError or *snapshot.FormatError
	}{
		{"truncated gzip", gz[:len(gz)/2], "truncated", &snapshot.CorruptError{}},
		{"damaged gzip", damaged, "checksum mismatch", &snapshot.CorruptError{}},
		{"truncated JSON", plain[:len(plain)-40], "truncated", &snapshot.CorruptError{}},
		{"not JSON", []byte("<html>Access Denied</html>"), "invalid character", &snapshot.CorruptError{}},
		{"no format", edit(func(d map[string]any) { delete(d, "format") }), "not a schemagate snapshot", &snapshot.CorruptError{}},
		{"newer format", edit(func(d map[string]any) { d["format"], d["min_format"], d["schemagate_version"] = 2, 2, "v9.0.0" }),
			"snapshot format 2 (written by schemagate v9.0.0, readable from format 2) is newer than schemagate " + version.Get().Version + " reads (formats 1 to 1)", &snapshot.FormatError{}},
		{"older format", edit(func(d map[string]any) { d["format"], d["min_format"] = 0, 0 }), "snapshot format 0", &snapshot.FormatError{}},
		{"edited migration text", edit(func(d map[string]any) { firstMigration(d)["text"] = "DROP TABLE users;\n" }), "does not match its checksum", &snapshot.CorruptError{}},
		{"path outside the tree", edit(func(d map[string]any) { firstMigration(d)["path"] = "../etc/passwd" }), "not a relative", &snapshot.CorruptError{}},
		{"path twice", edit(func(d map[string]any) {
			ms := d["migrations"].([]any)
			ms[1].(map[string]any)["path"] = ms[0].(map[string]any)["path"]
		}), "appears twice", &snapshot.CorruptError{}},
		{"no revision", edit(func(d map[string]any) { delete(d, "revision") }), "no revision", &snapshot.CorruptError{}},
		{"no reference index", edit(func(d map[string]any) { delete(d, "references") }), "no reference index", &snapshot.CorruptError{}},
		{"reference index of another version", edit(func(d map[string]any) { d["references"].(map[string]any)["version"] = 7 }), "reference index: version 7", &snapshot.CorruptError{}},
		{"data after the document", append(bytes.Clone(plain), []byte(`{"format":1}`)...), "data after the JSON document", &snapshot.CorruptError{}},
		// A missing section never reads as an empty one.
		{"no reference list", edit(func(d map[string]any) { delete(d["references"].(map[string]any), "refs") }), `the required section "references.refs" is missing`, &snapshot.CorruptError{}},
		{"null reference list", edit(func(d map[string]any) { d["references"].(map[string]any)["refs"] = nil }), `the required section "references.refs" is missing`, &snapshot.CorruptError{}},
		{"no migration list", edit(func(d map[string]any) { delete(d, "migrations") }), `the required section "migrations" is missing`, &snapshot.CorruptError{}},
		{"no file list", edit(func(d map[string]any) { delete(d, "files") }), `the required section "files" is missing`, &snapshot.CorruptError{}},
		{"no config", edit(func(d map[string]any) { delete(d, "config") }), `the required section "config" is missing`, &snapshot.CorruptError{}},
		{"no configured directories", edit(func(d map[string]any) { delete(d["config"].(map[string]any), "migrations") }), `the required section "config.migrations" is missing`, &snapshot.CorruptError{}},
		{"no rules", edit(func(d map[string]any) { delete(d["config"].(map[string]any), "rules") }), `the required section "config.rules" is missing`, &snapshot.CorruptError{}},
		{"migration without its transaction mode", edit(func(d map[string]any) { delete(firstMigration(d), "transactional") }), `the required section "migrations[0].transactional" is missing`, &snapshot.CorruptError{}},
		{"no catalog tables", edit(func(d map[string]any) { delete(d["catalog"].(map[string]any), "tables") }), `the required section "catalog.tables" is missing`, &snapshot.CorruptError{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := snapshot.Decode(bytes.NewReader(c.data), "s3://snaps/shop/3f2c1ab.json.gz")
			if err == nil {
				t.Fatalf("decoded: %+v", got.Revision)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "s3://snaps/shop/3f2c1ab.json.gz: ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line naming the object and containing %q", msg, c.want)
			}
			switch c.kind.(type) {
			case *snapshot.CorruptError:
				var ce *snapshot.CorruptError
				if !errors.As(err, &ce) {
					t.Errorf("error %T, want *CorruptError", err)
				}
			case *snapshot.FormatError:
				var fe *snapshot.FormatError
				if !errors.As(err, &fe) {
					t.Errorf("error %T, want *FormatError", err)
				}
			}
			if errors.Is(err, snapshot.ErrNotFound) {
				t.Error("a bad document must not pass for a missing one")
			}
		})
	}

	// A newer format that a format-1 reader can still read (it only adds
	// fields) is read.
	compatible := edit(func(d map[string]any) {
		d["format"], d["min_format"] = 3, 1
		d["provenance"] = map[string]any{"pipeline": "shop"}
	})
	got, err := snapshot.Decode(bytes.NewReader(compatible), "newer.json")
	if err != nil {
		t.Fatalf("compatible newer format: %v", err)
	}
	if got.Format != 3 || len(got.Migrations) != len(s.Migrations) {
		t.Errorf("compatible newer format read as format %d with %d migrations", got.Format, len(got.Migrations))
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := snapshot.ReadFile(filepath.Join(t.TempDir(), "3f2c1ab.json.gz"))
	if !errors.Is(err, snapshot.ErrNotFound) || !strings.Contains(err.Error(), "3f2c1ab.json.gz: no such file") {
		t.Errorf("err = %v, want a not-found error naming the file", err)
	}
}

func TestWriteFileAndRead(t *testing.T) {
	dir := writeTree(t, manyFormats)
	s := buildSnapshot(t, os.DirFS(dir), config.Default(), snapshot.Options{})
	out := t.TempDir()
	for _, name := range []string{"s.json", "s.json.gz"} {
		p := filepath.Join(out, name)
		data, err := s.WriteFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if gz := bytes.HasPrefix(data, []byte{0x1f, 0x8b}); gz != strings.HasSuffix(name, ".gz") {
			t.Errorf("%s: gzip %v", name, gz)
		}
		back, err := snapshot.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := s.Marshal(false)
		b, _ := back.Marshal(false)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: read back differs", name)
		}
	}
}

func TestBuildRefusesBadRevision(t *testing.T) {
	for _, rev := range []string{"", "feature/x", "-rf", strings.Repeat("a", 129), "abc def"} {
		_, err := snapshot.Build(fstest.MapFS{}, snapshot.Options{Revision: rev})
		if err == nil {
			t.Errorf("revision %q accepted", rev)
		}
	}
	s, err := snapshot.Build(fstest.MapFS{}, snapshot.Options{Revision: "v1.2.3+build.7"})
	if err != nil {
		t.Fatalf("an empty tree: %v", err)
	}
	if len(s.Migrations) != 0 || s.References == nil || s.Catalog == nil {
		t.Errorf("empty tree snapshot: %+v", s)
	}
}

func TestCatalogIsTheReplayedSchema(t *testing.T) {
	dir := writeTree(t, manyFormats)
	s := buildSnapshot(t, os.DirFS(dir), config.Default(), snapshot.Options{})
	var tables []string
	for k := range s.Catalog.Tables {
		tables = append(tables, k)
	}
	slices.Sort(tables)
	// users (goose), orders (golang-migrate), items and the view
	// (Flyway), Post (Prisma): each directory's migrations in order.
	for _, want := range []string{"public.users", "public.orders", "public.items", "public.item_names"} {
		if !slices.Contains(tables, want) {
			t.Errorf("catalog lacks %s (has %v)", want, tables)
		}
	}
	users := s.Catalog.Tables["public.users"]
	if users == nil || users.Column("legacy_score") == nil || users.Origin.File != path.Join("db/migrations", "00001_create_users.sql") {
		t.Errorf("users: %+v", users)
	}
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

func jsonMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
