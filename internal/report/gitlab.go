package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/rules"
)

// gitlabIssue is one entry of a GitLab code quality report (the subset of
// the Code Climate issue format GitLab reads:
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end,omitempty"`
}

// writeGitLab prints the findings as a GitLab code quality report: a JSON
// array, one issue per finding, always an array (empty without findings).
// GitLab compares reports of two pipelines by fingerprint, so it depends
// on what the finding is (rule, file, message, the text of its line) and
// not on its line number, which moves when lines are added above it.
func writeGitLab(b *out, r *Report, _ Options) error {
	issues := make([]gitlabIssue, 0, len(r.Findings))
	seen := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		path := slashPath(f.File)
		if path == "" {
			path = "." // GitLab needs a path; a finding about no file is about the project
		}
		line, end := max(f.Span.Start.Line, 1), 0
		if hasPos(f) {
			if l, _ := endPos(f); l > line {
				end = l
			}
		}
		msg := sanitize(f.Message)
		if f.Hint != "" {
			msg += " (hint: " + sanitize(f.Hint) + ")"
		}
		key := strings.Join([]string{f.Rule, path, f.Message, lineText(r, f)}, "\x00")
		seen[key]++
		sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(seen[key])))
		issues = append(issues, gitlabIssue{
			Description: msg,
			CheckName:   f.Rule,
			Fingerprint: hex.EncodeToString(sum[:16]),
			Severity:    gitlabSeverity(f.Severity),
			Location:    gitlabLocation{Path: path, Lines: gitlabLines{Begin: line, End: end}},
		})
	}
	return encodeJSON(b, issues)
}

// lineText is the trimmed text of the finding's first line, "" when the
// report does not hold the file.
func lineText(r *Report, f *rules.Finding) string {
	file := r.Files[f.File]
	if file == nil || !hasPos(f) {
		return ""
	}
	return strings.TrimSpace(file.Line(f.Span.Start.Line))
}

// gitlabSeverity maps a severity to GitLab's scale (info, minor, major,
// critical, blocker): an error breaks the running release or takes it
// down, so it is critical.
var gitlabSeverity = severityWords{err: "critical", warning: "major", hint: "info", other: "info"}.of
