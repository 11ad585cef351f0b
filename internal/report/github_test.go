package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// workflowCommand is one parsed `::cmd k=v,...::data` line, decoded the
// way the Actions runner decodes it.
type workflowCommand struct {
	Command string
	Props   map[string]string
	Data    string
}

var commandLine = regexp.MustCompile(`^::([a-z]+)(?: ([^:]*))?::(.*)$`)

func unescapeWorkflow(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func parseWorkflowCommands(t *testing.T, out string) []workflowCommand {
	t.Helper()
	var cmds []workflowCommand
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		m := commandLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a workflow command: %q", line)
		}
		c := workflowCommand{Command: m[1], Props: map[string]string{}, Data: unescapeWorkflow(m[3])}
		if m[2] != "" {
			for _, kv := range strings.Split(m[2], ",") {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("bad property %q in %q", kv, line)
				}
				c.Props[k] = unescapeWorkflow(v)
			}
		}
		cmds = append(cmds, c)
	}
	return cmds
}

func TestGitHubCommands(t *testing.T) {
	r := fixture(t)
	cmds := parseWorkflowCommands(t, render(t, "github", r, Options{}))
	if len(cmds) != len(r.Notes)+len(r.Findings) {
		t.Fatalf("%d commands for %d notes and %d findings", len(cmds), len(r.Notes), len(r.Findings))
	}
	for i, n := range r.Notes {
		if cmds[i].Command != "notice" || cmds[i].Data != n {
			t.Errorf("note %d: %+v", i, cmds[i])
		}
	}
	for i, f := range r.Findings {
		c := cmds[len(r.Notes)+i]
		want := map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Hint: "notice"}[f.Severity]
		if c.Command != want {
			t.Errorf("finding %d: command %q, want %q", i, c.Command, want)
		}
		if c.Props["file"] != f.File || c.Props["title"] != f.Rule || c.Props["line"] != strconv.Itoa(f.Span.Start.Line) ||
			c.Props["endLine"] != strconv.Itoa(f.Span.End.Line) {
			t.Errorf("finding %d: properties %v", i, c.Props)
		}
		// Columns only on single-line spans.
		if f.Span.Start.Line == f.Span.End.Line {
			if c.Props["col"] != strconv.Itoa(f.Span.Start.Column) || c.Props["endColumn"] != strconv.Itoa(f.Span.End.Column) {
				t.Errorf("finding %d: columns %v", i, c.Props)
			}
		} else if _, ok := c.Props["col"]; ok {
			t.Errorf("finding %d: multi-line annotation with columns %v", i, c.Props)
		}
		lines := strings.Split(c.Data, "\n")
		if lines[0] != f.Message || lines[1] != "hint: "+f.Hint {
			t.Errorf("finding %d: message %q", i, c.Data)
		}
		if wantLines := 2 + len(f.Evidence) + min(f.MoreEvidence, 1); len(lines) != wantLines {
			t.Errorf("finding %d: %d message lines, want %d: %q", i, len(lines), wantLines, c.Data)
		}
	}
}

func TestGitHubEscaping(t *testing.T) {
	f := rules.Finding{
		Rule:     "rule:with,odd%chars",
		Severity: rules.Warning,
		File:     "db/migrate/2024,01:02 100%.sql",
		Span:     source.Span{Start: source.Pos{Offset: 3, Line: 1, Column: 4}, End: source.Pos{Offset: 7, Line: 1, Column: 8}},
		Message:  "50% of rows::lost, really",
		Hint:     "line one\r\nline two",
	}
	out := render(t, "github", &Report{Findings: []rules.Finding{f}}, Options{})
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("one finding must be one line:\n%s", out)
	}
	want := "::warning file=db/migrate/2024%2C01%3A02 100%25.sql,line=1,col=4,endColumn=8,endLine=1," +
		"title=rule%3Awith%2Codd%25chars::50%25 of rows::lost, really%0Ahint: line one  line two\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	c := parseWorkflowCommands(t, out)[0]
	if c.Props["file"] != f.File || c.Props["title"] != f.Rule {
		t.Errorf("properties do not decode back: %v", c.Props)
	}

	for in, want := range map[string]string{
		"100%":       "100%25",
		"a\nb\r\nc":  "a%0Ab%0D%0Ac",
		"a:b,c":      "a:b,c",
		"%0A stays":  "%250A stays",
		"plain text": "plain text",
	} {
		if got := escapeData(in); got != want {
			t.Errorf("escapeData(%q) = %q, want %q", in, got, want)
		}
	}
	if got := escapeProperty("a:b,c%\n"); got != "a%3Ab%2Cc%25%0A" {
		t.Errorf("escapeProperty = %q", got)
	}
}

func TestGitHubNoPosition(t *testing.T) {
	r := &Report{Findings: []rules.Finding{
		{Rule: "missing-down", Severity: rules.Hint, File: "db/migrate/001_init.sql", Message: "no down migration"},
		{Rule: "config", Severity: rules.Error, Message: "no migrations directory"},
	}}
	want := "::notice file=db/migrate/001_init.sql,title=missing-down::no down migration\n" +
		"::error title=config::no migrations directory\n"
	if diff := cmp.Diff(want, render(t, "github", r, Options{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// gccLine is the errorformat Vim and efm use for gcc: %f:%l:%c: %t%*[^:]: %m.
var gccLine = regexp.MustCompile(`^([^:]+):(\d+):(\d+): (error|warning|note): (.*) \[([^\]]+)\]$`)

func TestGCC(t *testing.T) {
	r := fixture(t)
	out := render(t, "gcc", r, Options{})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(r.Findings) {
		t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(r.Findings), out)
	}
	for i, line := range lines {
		f := r.Findings[i]
		m := gccLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("line %d does not parse: %q", i, line)
			continue
		}
		want := []string{f.File, strconv.Itoa(f.Span.Start.Line), strconv.Itoa(f.Span.Start.Column),
			map[rules.Severity]string{rules.Error: "error", rules.Warning: "warning", rules.Hint: "note"}[f.Severity],
			f.Message, f.Rule}
		if diff := cmp.Diff(want, m[1:]); diff != "" {
			t.Errorf("line %d (-want +got):\n%s", i, diff)
		}
	}

	noPos := &Report{Tool: "schemagate", Findings: []rules.Finding{
		{Rule: "missing-down", Severity: rules.Hint, File: "db/migrate/001_init.sql", Message: "no down migration"},
		{Rule: "config", Severity: rules.Error, Message: "no migrations directory"},
	}}
	want := "db/migrate/001_init.sql: note: no down migration [missing-down]\n" +
		"schemagate: error: no migrations directory [config]\n"
	if diff := cmp.Diff(want, render(t, "gcc", noPos, Options{})); diff != "" {
		t.Errorf("findings without a position (-want +got):\n%s", diff)
	}
}
