package cli

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// What editors without a language server run on the buffer (Vim ALE,
// efm-langserver, flymake): `schemagate lint --stdin --stdin-filename
// PATH --format gcc|json`, with the buffer on standard input.

type gccLine struct {
	File     string
	Line     int
	Column   int
	Severity string
	Rule     string
}

var gccRE = regexp.MustCompile(`^(.+?):(\d+):(\d+): (error|warning|note): (.+) \[([a-z0-9-]+)\]$`)

func parseGCC(t *testing.T, out string) []gccLine {
	t.Helper()
	lines := []gccLine{}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		m := gccRE.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("not a gcc line: %q", l)
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		lines = append(lines, gccLine{m[1], line, col, m[4], m[6]})
	}
	return lines
}

func lintStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(t.TempDir()) // no schemagate.yaml above
	var out, errOut bytes.Buffer
	code := Main(append([]string{"lint"}, args...), strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestLintStdinGCC(t *testing.T) {
	goose := "-- +goose Up\n-- naïve 🚀\nSELECT 'é'; CREATE INDEX CONCURRENTLY idx ON users (email);\n"
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  []gccLine
	}{
		{
			name:  "the file name is the one given, columns count characters",
			stdin: "-- café ☕\nSELECT 'naïve 🚀'; CREATE INDEX idx ON users (email);\n",
			args:  []string{"--stdin", "--stdin-filename", "db/migrations/001_index.sql", "--format", "gcc"},
			code:  1,
			want:  []gccLine{{"db/migrations/001_index.sql", 2, 19, "warning", "require-concurrent-index-creation"}},
		},
		{
			name:  "the file name decides the format: goose runs it in a transaction",
			stdin: goose,
			args:  []string{"--stdin", "--stdin-filename", "db/migrations/20240101120000_index.sql", "--format", "gcc"},
			code:  1,
			want:  []gccLine{{"db/migrations/20240101120000_index.sql", 3, 13, "error", "concurrently-in-transaction"}},
		},
		{
			name:  "no transaction: only the retry hint",
			stdin: "-- +goose NO TRANSACTION\n" + goose,
			args:  []string{"--stdin", "--stdin-filename", "db/migrations/20240101120000_index.sql", "--format", "gcc"},
			code:  1,
			want:  []gccLine{{"db/migrations/20240101120000_index.sql", 4, 13, "warning", "prefer-robust-statements"}},
		},
		{
			name:  "- reads standard input too",
			stdin: "ALTER TABLE users ADD COLUMN nickname text;\n",
			args:  []string{"-", "--stdin-filename", "a/b.sql", "--format", "gcc", "--fail-on", "error"},
			code:  0,
			want:  []gccLine{{"a/b.sql", 1, 1, "warning", "require-lock-timeout"}},
		},
		{
			name:  "clean",
			stdin: "CREATE TABLE t (id bigint PRIMARY KEY, name text);\n",
			args:  []string{"--stdin", "--stdin-filename", "db/migrations/002.sql", "--format", "gcc"},
			code:  0,
			want:  []gccLine{},
		},
		{
			name:  "a syntax error is a finding, not a failure",
			stdin: "ALTER TABLE;\n",
			args:  []string{"--stdin", "--stdin-filename", "x.sql", "--format", "gcc"},
			code:  1,
			// At the token the parser stopped after ("at end of input").
			want: []gccLine{{"x.sql", 1, 7, "error", "syntax-error"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := lintStdin(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if diff := cmp.Diff(tc.want, parseGCC(t, out)); diff != "" {
				t.Errorf("gcc output (-want +got):\n%s\n%s", diff, out)
			}
		})
	}
}

func TestLintStdinJSON(t *testing.T) {
	stdin := "-- 🚀\nSELECT 'ü'; CREATE INDEX idx ON users (email);\n"
	code, out, errOut := lintStdin(t, stdin, "--stdin", "--stdin-filename", "db/migrations/001_index.sql", "--format", "json")
	if code != 1 {
		t.Fatalf("exit code %d, stderr %q", code, errOut)
	}
	var doc struct {
		Command  string `json:"command"`
		Findings []struct {
			Rule      string `json:"rule"`
			Severity  string `json:"severity"`
			File      string `json:"file"`
			Line      int    `json:"line"`
			Column    int    `json:"column"`
			Offset    int    `json:"offset"`
			EndOffset int    `json:"end_offset"`
			Fixes     []struct {
				Title string `json:"title"`
				Edits []struct {
					Start int    `json:"start"`
					End   int    `json:"end"`
					Text  string `json:"text"`
				} `json:"edits"`
			} `json:"fixes"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Command != "lint" || len(doc.Findings) != 1 {
		t.Fatalf("report %+v", doc)
	}
	f := doc.Findings[0]
	start := strings.Index(stdin, "CREATE")
	end := strings.Index(stdin, ");") + 1
	got := []any{f.Rule, f.Severity, f.File, f.Line, f.Column, f.Offset, f.EndOffset}
	want := []any{"require-concurrent-index-creation", "warning", "db/migrations/001_index.sql", 2, 13, start, end}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
	// The byte-offset fix applies to the text that was sent.
	if len(f.Fixes) != 1 || len(f.Fixes[0].Edits) != 1 {
		t.Fatalf("fixes %+v", f.Fixes)
	}
	e := f.Fixes[0].Edits[0]
	fixed := stdin[:e.Start] + e.Text + stdin[e.End:]
	if !strings.Contains(fixed, "CREATE INDEX CONCURRENTLY idx ON users") {
		t.Errorf("fixed text %q", fixed)
	}
}

func TestLintStdinProblems(t *testing.T) {
	cases := []struct {
		name   string
		stdin  string
		args   []string
		stderr string
	}{
		{"binary", "SELECT 1;\x00\x01", []string{"--stdin", "--stdin-filename", "db/x.sql", "--format", "gcc"}, "schemagate: db/x.sql: binary file\n"},
		{"too large", strings.Repeat("SELECT 1;\n", 200), []string{"--stdin", "--stdin-filename", "db/x.sql", "--max-file-size", "1000"}, "schemagate: db/x.sql: standard input is larger than 1000 bytes (--max-file-size)\n"},
		{"paths as well", "SELECT 1;", []string{"--stdin", "a.sql"}, "schemagate: --stdin takes no paths\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := lintStdin(t, tc.stdin, tc.args...)
			if code != ExitError || out != "" || errOut != tc.stderr {
				t.Errorf("got exit %d, stdout %q, stderr %q; want exit 2 and stderr %q", code, out, errOut, tc.stderr)
			}
		})
	}
}

// --column-unit counts the column as the program reading it does: code
// points (Emacs), bytes (Vim and ALE), UTF-16 code units (LSP clients,
// through efm-langserver). The statement starts after 'é', five 'ü' and
// two emoji on its line.
func TestLintStdinColumnUnits(t *testing.T) {
	prefix := "SELECT 'é üüüüü 🚀🚀'; "
	stdin := "-- +goose Up\n" + prefix + "CREATE INDEX idx ON users (email);\n"
	runes := len([]rune(prefix))
	cases := []struct {
		unit string
		col  int
	}{
		{"", runes + 1},
		{"char", runes + 1},
		{"byte", len(prefix) + 1},
		{"utf-16", runes + 2 + 1}, // each emoji is two UTF-16 code units
	}
	for _, c := range cases {
		args := []string{"--stdin", "--stdin-filename", "db/migrations/001_x.sql", "--format", "gcc", "--fail-on", "never"}
		if c.unit != "" {
			args = append(args, "--column-unit", c.unit)
		}
		for _, format := range []string{"gcc", "text"} {
			args[4] = format
			code, out, stderr := lintStdin(t, stdin, args...)
			if code != 0 {
				t.Fatalf("%s %s: exit %d: %s", c.unit, format, code, stderr)
			}
			want := "db/migrations/001_x.sql:2:" + strconv.Itoa(c.col) + ": "
			found := false
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, want) && strings.Contains(l, "require-concurrent-index-creation") {
					found = true
				}
			}
			if !found {
				t.Errorf("--column-unit %q --format %s: no line starting %q with the finding:\n%s", c.unit, format, want, out)
			}
		}
	}
	if code, _, stderr := lintStdin(t, stdin, "--stdin", "--column-unit", "runes"); code != 2 || !strings.Contains(stderr, `unknown --column-unit "runes" (want char, byte, utf-16)`) {
		t.Errorf("bad unit: exit %d, %q", code, stderr)
	}
}
