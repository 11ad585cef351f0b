package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The PostgreSQL release --version names is the one pg_query's C sources
// carry: the constant follows the module when it is upgraded.
func TestParserVersionMatchesPGQuery(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", pgQueryModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", pgQueryModule, err)
	}
	header, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "parser", "include", "pg_query.h"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^#define PG_VERSION "([^"]+)"`).FindSubmatch(header)
	if m == nil {
		t.Fatal("pg_query.h defines no PG_VERSION")
	}
	if string(m[1]) != pgParserVersion {
		t.Errorf("pg_query's parser is PostgreSQL %s; pgParserVersion says %s", m[1], pgParserVersion)
	}
}

// What -ldflags sets wins over the build information; the text has one
// line per detail.
func TestInfo(t *testing.T) {
	old := [3]string{Version, Commit, Date}
	t.Cleanup(func() { Version, Commit, Date = old[0], old[1], old[2] })
	Version, Commit, Date = "v0.1.0", "0123456789abcdef0123456789abcdef01234567", "2026-12-06T16:00:00Z"
	info := Get()
	if info.Version != "v0.1.0" || info.Commit != Commit || info.Date != Date || info.Modified {
		t.Errorf("Get() = %+v", info)
	}
	if !strings.HasPrefix(info.Go, "go") {
		t.Errorf("Go = %q", info.Go)
	}
	lines := strings.Split(strings.TrimSuffix(info.String(), "\n"), "\n")
	want := []string{
		"schemagate v0.1.0",
		"  commit:   0123456789abcdef0123456789abcdef01234567",
		"  built:    2026-12-06T16:00:00Z",
	}
	if diff := cmp.Diff(want, lines[:3]); diff != "" {
		t.Errorf("--version (-want +got):\n%s", diff)
	}
	if len(lines) != 5 || !strings.HasPrefix(lines[4], "  pg_query: "+pgQueryModule+" ") || !strings.HasSuffix(lines[4], "(PostgreSQL "+pgParserVersion+" parser)") {
		t.Errorf("--version:\n%s", info.String())
	}

	Version, Commit, Date = "", "", ""
	if v := Get().Version; v != "dev" && !strings.HasPrefix(v, "v") {
		t.Errorf("without -ldflags, Version = %q: want the module version or dev", v)
	}
}
