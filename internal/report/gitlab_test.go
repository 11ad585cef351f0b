package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

type gitlabDoc []struct {
	Description string `json:"description"`
	CheckName   string `json:"check_name"`
	Fingerprint string `json:"fingerprint"`
	Severity    string `json:"severity"`
	Location    struct {
		Path  string `json:"path"`
		Lines struct {
			Begin int `json:"begin"`
		} `json:"lines"`
	} `json:"location"`
}

func gitlabReport(t *testing.T, r *Report) gitlabDoc {
	t.Helper()
	var doc gitlabDoc
	out := render(t, "gitlab", r, Options{})
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("gitlab report is not JSON: %v\n%s", err, out)
	}
	return doc
}

// Every finding is one issue with the fields GitLab requires, and every
// fingerprint is distinct (GitLab drops issues that share one).
func TestGitLabEveryFindingIsAnIssue(t *testing.T) {
	r := fixture(t)
	doc := gitlabReport(t, r)
	if len(doc) != len(r.Findings) {
		t.Fatalf("%d issues for %d findings", len(doc), len(r.Findings))
	}
	seen := map[string]bool{}
	for i, is := range doc {
		f := r.Findings[i]
		if is.CheckName != f.Rule || is.Location.Path == "" || is.Location.Lines.Begin < 1 || is.Description == "" {
			t.Errorf("issue %d: %+v for finding %+v", i, is, f)
		}
		if !strings.Contains(is.Description, sanitize(f.Message)) {
			t.Errorf("issue %d: description %q lacks the message %q", i, is.Description, f.Message)
		}
		if seen[is.Fingerprint] || len(is.Fingerprint) != 32 {
			t.Errorf("issue %d: fingerprint %q repeated or malformed", i, is.Fingerprint)
		}
		seen[is.Fingerprint] = true
		want := map[rules.Severity]string{rules.Error: "critical", rules.Warning: "major", rules.Hint: "info"}[f.Severity]
		if is.Severity != want {
			t.Errorf("issue %d: severity %q, want %q for %s", i, is.Severity, want, f.Severity)
		}
	}
}

// The fingerprint follows the finding, not its line number: a line added
// above it keeps it, so GitLab does not report it as fixed and new again.
// Two identical findings in one file still get two fingerprints.
func TestGitLabFingerprintSurvivesAMovedLine(t *testing.T) {
	finding := func(text string) *Report {
		f := source.NewFile("db/migrations/002_index.sql", []byte(text))
		at := strings.Index(text, "CREATE")
		return &Report{Files: map[string]*source.File{f.Path: f}, Findings: []rules.Finding{{
			Rule: "require-concurrent-index-creation", Severity: rules.Warning, File: f.Path,
			Span: f.Span(at, at+6), Message: "CREATE INDEX blocks writes",
		}}}
	}
	before := gitlabReport(t, finding("CREATE INDEX i ON t (c);\n"))
	after := gitlabReport(t, finding("-- a comment\n\nCREATE INDEX i ON t (c);\n"))
	if before[0].Fingerprint != after[0].Fingerprint {
		t.Errorf("fingerprint changed when the line moved: %s, %s", before[0].Fingerprint, after[0].Fingerprint)
	}
	if diff := cmp.Diff([]int{1, 3}, []int{before[0].Location.Lines.Begin, after[0].Location.Lines.Begin}); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	twice := finding("CREATE INDEX i ON t (c);\n")
	twice.Findings = append(twice.Findings, twice.Findings[0])
	if doc := gitlabReport(t, twice); doc[0].Fingerprint == doc[1].Fingerprint {
		t.Errorf("two findings share fingerprint %s", doc[0].Fingerprint)
	}
}
