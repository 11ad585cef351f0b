package scan

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/refs/sqlfile"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		dir, want     bool
	}{
		{"**/vendor/", "vendor", true, true},
		{"**/vendor/", "a/b/vendor", true, true},
		{"**/vendor/", "a/vendor", false, false}, // a file named vendor
		{"*.md", "docs/guide/intro.md", false, true},
		{"*.md", "README.md", false, true},
		{"*.md", "docs/intro.mdx", false, false},
		{"db/migrate", "db/migrate", true, true},
		{"db/migrate", "services/db/migrate", true, false}, // anchored
		{"services/*/db/migrate/", "services/api/db/migrate", true, true},
		{"**/db/*_structure.sql", "db/animals_structure.sql", false, true},
		{"**/db/*_structure.sql", "x/db/y/z_structure.sql", false, false},
		{"a/**/b", "a/b", false, true},
		{"a/**/b", "a/x/y/b", false, true},
		{"a/**/b", "a/x/y/c", false, false},
		{"./tools/", "tools", true, true},
		{"", "x", false, false},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.path, tc.dir); got != tc.want {
			t.Errorf("Match(%q, %q, dir=%v) = %v, want %v", tc.pattern, tc.path, tc.dir, got, tc.want)
		}
	}
}

// panicky is an extractor that fails the hard way, to check that one bad
// file cannot stop a scan.
type panicky struct{}

func (panicky) Name() string        { return "panicky" }
func (panicky) Match(p string) bool { return strings.HasSuffix(p, ".boom") }
func (panicky) Extract(string, []byte) ([]refs.Reference, error) {
	panic("unexpected input")
}

func appFS() fstest.MapFS {
	q := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"queries/users.sql":            q("-- name: GetUser :one\nSELECT id, email FROM users WHERE id = $1;\n"),
		"queries/orders.sql":           q("SELECT o.total FROM orders o JOIN users u ON u.id = o.user_id;\n"),
		"queries/broken.sql":           q("SELECT name FROM teams;\nSELEC oops;\n"),
		"queries/big.sql":              q("SELECT a FROM huge WHERE " + strings.Repeat("a = 1 AND ", 200) + "true;"),
		"queries/blob.sql":             q("SELECT 1\x00\x01"),
		"queries/latin1.sql":           q("SELECT 'caf\xe9' FROM menus;"),
		"queries/link.sql":             {Data: []byte("queries/users.sql"), Mode: fs.ModeSymlink},
		"queries/fifo.sql":             {Mode: fs.ModeNamedPipe},
		"queries/x.boom":               q("anything"),
		"db/migrate/20240101_init.sql": q("ALTER TABLE users DROP COLUMN email;"),
		"db/structure.sql":             q("CREATE VIEW v AS SELECT email FROM users;"),
		"db/migrations_v2/001.sql":     q("SELECT email FROM users;"),
		"db/legacy_migrations/135.sql": q("SELECT email FROM users;"),
		"vendor/lib/q.sql":             q("SELECT email FROM users;"),
		"node_modules/pkg/q.sql":       q("SELECT email FROM users;"),
		"spec/fixtures/q.sql":          q("SELECT email FROM fixtures_users;"),
		"internal/store/q_test.sql":    q("SELECT email FROM users;"),
		"docs/queries.md":              q("SELECT email FROM users;"),
		"config/locales/en.sql":        q("SELECT email FROM users;"),
		"third_party/sub/.git":         q("gitdir: ../../.git/modules/sub"),
		"third_party/sub/q.sql":        q("SELECT email FROM users;"),
		"assets/logo.png":              q("\x89PNG"),
	}
}

func TestBuild(t *testing.T) {
	var logged []string
	opt := Options{
		Exclude:     []string{"db/migrations_v2/", "*_test.sql"},
		MaxFileSize: 1024,
		Extractors:  []refs.Extractor{sqlfile.Extractor{}, panicky{}},
		Verbose:     func(f string, a ...any) { logged = append(logged, f) },
	}
	idx, st, err := Build(appFS(), opt)
	if err != nil {
		t.Fatal(err)
	}
	wantStats := Stats{
		Files:   13, // outside excluded directories and the submodule
		Read:    4,  // users, orders, broken, x.boom
		Skipped: 9,
		SkippedReasons: map[string]int{
			ReasonExcludedDir: 7, // db/migrate, db/migrations_v2, db/legacy_migrations, vendor, node_modules, spec, config/locales
			ReasonSubmodule:   1,
			ReasonExcluded:    3, // db/structure.sql, q_test.sql, docs/queries.md
			ReasonSymlink:     1,
			ReasonIrregular:   1,
			ReasonNoExtractor: 1,
			ReasonTooLarge:    1,
			ReasonBinary:      1,
			ReasonInvalidUTF8: 1,
		},
		Errors: 2, // broken.sql's second statement, x.boom's panic
		Refs:   len(idx.Refs),
		// What the index may lack, for the run to list.
		Unread: []Unread{{Path: "queries/big.sql", Reason: "larger than 1024 bytes"}},
	}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"orders", "teams", "users"}, idx.Tables()); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	var emails []string
	for _, r := range idx.Column("", "users", "email") {
		emails = append(emails, r.File+":"+r.Snippet)
	}
	if diff := cmp.Diff([]string{"queries/users.sql:GetUser: SELECT id, email FROM users WHERE id = $1;"}, emails); diff != "" {
		t.Errorf("users.email (-want +got):\n%s", diff)
	}
	if len(logged) == 0 {
		t.Error("nothing logged for the failing files")
	}

	// Tests and fixtures come in on request.
	opt.IncludeTests = true
	idx, _, err = Build(appFS(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := idx.Table("", "fixtures_users"); len(got) != 2 {
		t.Errorf("with tests included, fixtures_users has %d references, want 2", len(got))
	}
}

func TestBuildDeterministic(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 40 {
		fsys[filepath.ToSlash(filepath.Join("q", string(rune('a'+i%26)), "f"+strings.Repeat("x", i)+".sql"))] = &fstest.MapFile{
			Data: []byte("SELECT a, b FROM t" + strings.Repeat("x", i) + " JOIN u USING (id);"),
		}
	}
	opt := Options{Extractors: []refs.Extractor{sqlfile.Extractor{}}}
	var first []byte
	for _, procs := range []int{1, 2, 4} {
		prev := runtime.GOMAXPROCS(procs)
		idx, _, err := Build(fsys, opt)
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(idx)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = data
			continue
		}
		if string(data) != string(first) {
			t.Fatalf("GOMAXPROCS=%d gives a different index", procs)
		}
	}
}

func TestBuildDirFS(t *testing.T) {
	dir := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/queries.sql", "SELECT id FROM accounts;")
	write("outside/secret.sql", "SELECT token FROM api_keys;")
	if err := os.Symlink(filepath.Join(dir, "outside"), filepath.Join(dir, "app", "linked")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	if err := os.Symlink(filepath.Join(dir, "outside", "secret.sql"), filepath.Join(dir, "app", "secret.sql")); err != nil {
		t.Fatal(err)
	}
	idx, st, err := Build(os.DirFS(filepath.Join(dir, "app")), Options{Extractors: []refs.Extractor{sqlfile.Extractor{}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"accounts"}, idx.Tables()); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	if st.SkippedReasons[ReasonSymlink] != 2 {
		t.Errorf("symlinks skipped: %d, want 2 (%+v)", st.SkippedReasons[ReasonSymlink], st)
	}

	if _, _, err := Build(os.DirFS(filepath.Join(dir, "missing")), Options{}); err == nil {
		t.Error("scanning a missing root: no error")
	}
}
