package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/schemagate/schemagate/rules"
)

// writeGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's files.
func writeGitHub(b *out, r *Report, _ Options) error {
	for _, e := range r.Errors {
		fmt.Fprintf(b, "::error title=%s::%s\n", escapeProperty(r.tool()), escapeData(sanitize(e)))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "::notice title=%s::%s\n", escapeProperty(r.tool()), escapeData(sanitize(n)))
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		var props []string
		if f.File != "" {
			props = append(props, "file="+escapeProperty(slashPath(f.File)))
		}
		if hasPos(f) {
			line := f.Span.Start.Line
			endLine, endCol := endPos(f)
			props = append(props, "line="+strconv.Itoa(line))
			// GitHub accepts columns only on single-line annotations.
			if endLine == line {
				props = append(props, "col="+strconv.Itoa(startColumn(f)), "endColumn="+strconv.Itoa(endCol))
			}
			props = append(props, "endLine="+strconv.Itoa(endLine))
		}
		props = append(props, "title="+escapeProperty(sanitize(f.Rule)))
		fmt.Fprintf(b, "::%s %s::%s\n", githubCommand(f.Severity), strings.Join(props, ","), escapeData(githubMessage(f)))
		b.spill()
	}
	return nil
}

var githubCommand = severityWords{err: "error", warning: "warning", hint: "notice", other: "notice"}.of

// githubMessage is the annotation body: message, hint and evidence on
// their own lines (the annotation keeps line breaks).
func githubMessage(f *rules.Finding) string {
	lines := []string{sanitize(f.Message)}
	if f.Hint != "" {
		lines = append(lines, "hint: "+sanitize(f.Hint))
	}
	for _, e := range f.Evidence {
		l := "evidence"
		if e.Release != "" {
			l += " (" + sanitize(e.Release) + ")"
		}
		l += ": " + evidencePlace(e)
		if s := strings.TrimSpace(e.Snippet); s != "" {
			l += ": " + sanitize(s)
		}
		lines = append(lines, l)
	}
	if f.MoreEvidence > 0 {
		lines = append(lines, fmt.Sprintf("... and %d more", f.MoreEvidence))
	}
	return strings.Join(lines, "\n")
}

// Workflow command escaping, as the Actions runner decodes it.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
