package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// run runs schemagate in dir and returns its exit code and output.
func run(t *testing.T, dir string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// moduleRoot is taken when the test binary starts, before any test
// changes the working directory.
var moduleRoot, _ = filepath.Abs(filepath.Join("..", ".."))

func repoRoot(t *testing.T) string {
	t.Helper()
	return moduleRoot
}

func TestLintExitCodes(t *testing.T) {
	root := repoRoot(t)
	tmp := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	clean := write("clean/001_comment.sql", "COMMENT ON TABLE users IS 'people';\n")
	unsafe := write("unsafe/001_index.sql", "CREATE INDEX users_email ON users (email);\n")
	binary := write("binary/001.sql", "CREATE TABLE t (\x00);\n")
	badConfig := write("badcfg/schemagate.yaml", "pg-version: 16\nrulez:\n  drop-column: off\n")
	unknownRule := write("badrule/schemagate.yaml", "rules:\n  drop-colum: off\n")
	cases := []struct {
		name string
		args []string
		code int
		err  string // a substring of standard error
	}{
		{"clean", []string{"lint", clean}, ExitClean, ""},
		{"findings", []string{"lint", unsafe}, ExitFindings, ""},
		{"findings below fail level", []string{"lint", "--fail-on", "error", unsafe}, ExitClean, ""},
		{"never fails", []string{"lint", "--fail-on", "never", unsafe}, ExitClean, ""},
		{"rule turned off", []string{"lint", "--rule", "require-concurrent-index-creation=off", "--rule", "prefer-robust-statements=off", unsafe}, ExitClean, ""},
		{"missing path", []string{"lint", filepath.Join(tmp, "nope.sql")}, ExitError, "no such file or directory"},
		{"binary file", []string{"lint", binary}, ExitError, "binary file"},
		{"bad flag", []string{"lint", "--fail-on", "sometimes", clean}, ExitError, "unknown level"},
		{"bad format", []string{"lint", "--format", "xml", clean}, ExitError, "unknown --format"},
		{"unknown config key", []string{"lint", "--config", badConfig, clean}, ExitError, "line 2"},
		{"unknown rule in config", []string{"lint", "--config", unknownRule, clean}, ExitError, `unknown rule "drop-colum"`},
		{"unknown rule flag", []string{"lint", "--rule", "nope=off", clean}, ExitError, `unknown rule "nope"`},
		{"empty directory", []string{"lint", t.TempDir()}, ExitError, "no migrations found"},
		{"explain unknown", []string{"explain", "drop-colum"}, ExitError, "did you mean drop-column"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, root, "", c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if c.err != "" && !strings.Contains(stderr, c.err) {
				t.Errorf("stderr %q does not contain %q", stderr, c.err)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 && c.code == ExitError {
				t.Errorf("the error should be one line, got %q", stderr)
			}
		})
	}
}

// A broken file does not hide the findings of the others: they are still
// reported, and the run exits 2.
func TestLintKeepsOtherFilesResults(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "001_bad.sql"), []byte{0xff, 0xfe, 'x'}, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "002_index.sql"), []byte("CREATE INDEX i ON users (email);\nSELEC 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "", "lint", "--format", "gcc", dir)
	if code != ExitError {
		t.Errorf("exit code %d, want 2", code)
	}
	var rulesSeen []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		rulesSeen = append(rulesSeen, l[strings.LastIndex(l, "[")+1:len(l)-1])
	}
	want := []string{"require-concurrent-index-creation", "syntax-error"}
	if diff := cmp.Diff(want, rulesSeen); diff != "" {
		t.Errorf("rules (-want +got):\n%s\n%s", diff, out)
	}
	if !strings.Contains(out, "002_index.sql:2:1: error: syntax error: syntax error at or near \"SELEC\"") {
		t.Errorf("syntax error position missing:\n%s", out)
	}
	if !strings.Contains(stderr, "001_bad.sql: UTF-16 text") && !strings.Contains(stderr, "001_bad.sql: not valid UTF-8") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestRulesAndExplain(t *testing.T) {
	code, out, _ := run(t, "", "", "rules")
	if code != 0 || !regexp.MustCompile(`(?m)^require-concurrent-index-creation +warning +locking +CREATE INDEX`).MatchString(out) {
		t.Errorf("rules: %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "", "explain", "drop-column")
	for _, want := range []string{"drop-column (warning, compatibility)", "Unsafe:", "Safe:", "Safe sequence:", "schemagate check --previous REV"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("explain drop-column lacks %q:\n%s", want, out)
		}
	}
}
