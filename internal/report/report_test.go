package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t *testing.T, format string, r *Report, opt Options) string {
	t.Helper()
	if opt.Rules == nil {
		opt.Rules = testLookup
	}
	var buf bytes.Buffer
	if err := Write(&buf, format, r, opt); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	empty := &Report{Tool: "schemagate", Version: "0.3.0", Command: "lint"}
	failed := failedRun()
	tests := []struct {
		golden string
		format string
		report *Report
		color  bool
	}{
		{"full.txt", "text", fixture(t), false},
		{"full.color.txt", "text", fixture(t), true},
		{"full.json", "json", fixture(t), false},
		{"full.sarif", "sarif", fixture(t), false},
		{"full.github.txt", "github", fixture(t), false},
		{"full.gcc.txt", "gcc", fixture(t), false},
		{"full.gitlab.json", "gitlab", fixture(t), false},
		{"empty.txt", "text", empty, false},
		{"empty.json", "json", empty, false},
		{"empty.sarif", "sarif", empty, false},
		{"empty.github.txt", "github", empty, false},
		{"empty.gcc.txt", "gcc", empty, false},
		{"empty.gitlab.json", "gitlab", empty, false},
		{"failed.sarif", "sarif", failed, false},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := render(t, tt.format, tt.report, Options{Color: tt.color})
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s differs from the golden file (-want +got):\n%s", path, diff)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	want := []string{"text", "json", "sarif", "github", "gcc", "gitlab"}
	if diff := cmp.Diff(want, Formats()); diff != "" {
		t.Errorf("Formats() (-want +got):\n%s", diff)
	}
	// Every listed format writes without error; "" is text.
	for _, f := range append(Formats(), "") {
		if err := Write(&bytes.Buffer{}, f, fixture(t), Options{Rules: testLookup}); err != nil {
			t.Errorf("Write(%q): %v", f, err)
		}
	}
	def, text := render(t, "", fixture(t), Options{}), render(t, "text", fixture(t), Options{})
	if def != text {
		t.Error(`format "" does not write text`)
	}
}

func TestUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	err := Write(&buf, "xml", fixture(t), Options{})
	if err == nil {
		t.Fatal("Write(xml) succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, `"xml"`) {
		t.Errorf("error %q: want one line naming the format", msg)
	}
	for _, f := range Formats() {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not name valid format %s", msg, f)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %q for an unknown format", buf.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	for _, f := range Formats() {
		err := Write(failingWriter{}, f, fixture(t), Options{Rules: testLookup})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Write(%s) to a failing writer: got %v, want the write error", f, err)
		}
	}
}

// TestEmpty checks what each format says when there is nothing to say,
// beyond the golden files: the shapes scripts rely on.
func TestEmpty(t *testing.T) {
	for _, r := range []*Report{nil, {}, {Findings: []rules.Finding{}, Notes: []string{}}} {
		if got := render(t, "text", r, Options{}); got != "no findings\n" {
			t.Errorf("text: got %q", got)
		}
		for _, f := range []string{"gcc", "github"} {
			if got := render(t, f, r, Options{}); got != "" {
				t.Errorf("%s: got %q, want nothing", f, got)
			}
		}
		var doc struct {
			Tool     string            `json:"tool"`
			Notes    []string          `json:"notes"`
			Findings []json.RawMessage `json:"findings"`
			Summary  map[string]int    `json:"summary"`
		}
		out := render(t, "json", r, Options{})
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Tool != "schemagate" || doc.Notes == nil || doc.Findings == nil || len(doc.Findings) != 0 {
			t.Errorf("json: %s", out)
		}
		if diff := cmp.Diff(map[string]int{"error": 0, "warning": 0, "hint": 0}, doc.Summary); diff != "" {
			t.Errorf("json summary (-want +got):\n%s", diff)
		}
		if !strings.Contains(out, `"findings": []`) || !strings.Contains(out, `"notes": []`) {
			t.Errorf("json: empty arrays must be [] not null:\n%s", out)
		}
		var log struct {
			Runs []struct {
				Results []any `json:"results"`
				Tool    struct {
					Driver struct {
						Rules []any `json:"rules"`
					} `json:"driver"`
				} `json:"tool"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(render(t, "sarif", r, Options{})), &log); err != nil {
			t.Fatal(err)
		}
		if len(log.Runs) != 1 || log.Runs[0].Results == nil || len(log.Runs[0].Results) != 0 || log.Runs[0].Tool.Driver.Rules == nil {
			t.Errorf("sarif: want one run with empty results and rules arrays, got %+v", log)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	r := fixture(t)
	out := render(t, "json", r, Options{})
	if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n  \"version\": 1,\n") {
		t.Errorf("json is not two-space indented with a trailing newline:\n%s", out)
	}
	var doc struct {
		Version     int             `json:"version"`
		Tool        string          `json:"tool"`
		ToolVersion string          `json:"tool_version"`
		Command     string          `json:"command"`
		Notes       []string        `json:"notes"`
		Findings    []rules.Finding `json:"findings"`
		Summary     map[string]int  `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || doc.Tool != r.Tool || doc.ToolVersion != r.Version || doc.Command != r.Command {
		t.Errorf("header: got version %d tool %q %q command %q", doc.Version, doc.Tool, doc.ToolVersion, doc.Command)
	}
	if diff := cmp.Diff(r.Notes, doc.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(r.Findings, doc.Findings); diff != "" {
		t.Errorf("findings do not survive a round trip (-want +got):\n%s", diff)
	}
	want := map[string]int{"error": 0, "warning": 0, "hint": 0}
	for _, f := range r.Findings {
		want[f.Severity.String()]++
	}
	if diff := cmp.Diff(want, doc.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// TestJSONReadableSQL checks <, > and & stay as they are, and that a
// literal backslash-u sequence in a message still round-trips.
func TestJSONReadableSQL(t *testing.T) {
	r := fixture(t)
	r.Findings[0].Message = `CHECK (a <> b AND c > 0) && d; path C:\u003cdir\`
	out := render(t, "json", r, Options{})
	if !strings.Contains(out, `"CHECK (a <> b AND c > 0) && d; path C:\\u003cdir\\"`) {
		t.Errorf("message not written readably:\n%s", out)
	}
	var doc struct {
		Findings []rules.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Findings, doc.Findings); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestColor(t *testing.T) {
	plain := render(t, "text", fixture(t), Options{Color: false})
	colored := render(t, "text", fixture(t), Options{Color: true})
	if strings.Contains(plain, "\x1b") {
		t.Error("escape codes in text with Color off")
	}
	// Colour adds escapes and nothing else.
	if diff := cmp.Diff(plain, ansi.ReplaceAllString(colored, "")); diff != "" {
		t.Errorf("colour changes the text itself (-plain +stripped):\n%s", diff)
	}
	for _, want := range []string{
		ansiRed + "error" + ansiReset + "[drop-column-referenced]",
		ansiYellow + "warning" + ansiReset + "[create-index-non-concurrently]",
		ansiCyan + "hint" + ansiReset + "[backfill-in-schema-migration]",
		ansiBold + dropPath + ":2:22:" + ansiReset,
		ansiBold + backfillPath + ":4:5:" + ansiReset,
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured text lacks %q", want)
		}
	}
	// Other formats are read by programs: never coloured.
	for _, f := range []string{"json", "sarif", "github", "gcc"} {
		if out := render(t, f, fixture(t), Options{Color: true}); strings.Contains(out, "\x1b") {
			t.Errorf("%s output contains escape codes with Color on", f)
		}
	}
}

func TestTextSummary(t *testing.T) {
	f := func(sev ...rules.Severity) []rules.Finding {
		var out []rules.Finding
		for _, s := range sev {
			out = append(out, rules.Finding{Rule: "r", Severity: s, File: "a.sql", Message: "m"})
		}
		return out
	}
	tests := []struct {
		findings []rules.Finding
		want     string
	}{
		{nil, "no findings"},
		{f(rules.Error), "1 finding: 1 error"},
		{f(rules.Error, rules.Warning, rules.Warning), "3 findings: 1 error, 2 warnings"},
		{f(rules.Hint, rules.Hint), "2 findings: 2 hints"},
		{f(rules.Error, rules.Error, rules.Warning, rules.Hint), "4 findings: 2 errors, 1 warning, 1 hint"},
	}
	for _, tt := range tests {
		out := render(t, "text", &Report{Findings: tt.findings}, Options{})
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if got := lines[len(lines)-1]; got != tt.want {
			t.Errorf("summary: got %q, want %q", got, tt.want)
		}
	}
}

// TestHostileText feeds terminal escapes and line breaks through every
// field a migration author controls (a quoted identifier can hold any
// character) and checks no format lets them through raw.
func TestHostileText(t *testing.T) {
	r := fixture(t)
	evil := "users\x1b[2J\x1b]0;pwned\x07\u202egnp.exe\nFAKE:1:1: error: injected"
	for i := range r.Findings {
		r.Findings[i].Message += " " + evil
		r.Findings[i].Hint = evil
		for j := range r.Findings[i].Evidence {
			r.Findings[i].Evidence[j].Snippet = evil
		}
	}
	r.Notes = append(r.Notes, evil)
	for _, f := range []string{"text", "gcc", "github"} {
		out := render(t, f, r, Options{})
		if strings.ContainsAny(out, "\x1b\x07\u202e") {
			t.Errorf("%s: raw control characters in output", f)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "FAKE") {
				t.Errorf("%s: a message line break forged an entry: %q", f, line)
			}
		}
	}
	gcc := render(t, "gcc", r, Options{})
	if n := strings.Count(gcc, "\n"); n != len(r.Findings) {
		t.Errorf("gcc: %d lines for %d findings", n, len(r.Findings))
	}
}
