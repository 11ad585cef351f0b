package lsp

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// position converts a byte offset of f into an LSP position (0-based
// line, UTF-16 column).
func position(f *source.File, off int) Position {
	p := f.Pos(off) // clamps off to the file
	return Position{Line: p.Line - 1, Character: f.UTF16Column(p.Offset)}
}

// spanRange converts a finding's span. A span without width (a finding
// about the whole file, at its start) gets the rest of its line, or the
// line when it is at its end, so that the editor has something to
// underline.
func spanRange(f *source.File, sp source.Span) Range {
	s, e := sp.Start.Offset, sp.End.Offset
	if sp.Empty() {
		s, e = 0, 0
	}
	if e <= s {
		s, e = lineAround(f, s)
	}
	return Range{Start: position(f, s), End: position(f, e)}
}

// lineAround widens the empty span at off to the text after it on its
// line, or when there is none, the line's text before it.
func lineAround(f *source.File, off int) (int, int) {
	p := f.Pos(off)
	line := f.Line(p.Line)
	start := f.LineStart(p.Line)
	col := min(max(p.Offset-start, 0), len(line))
	if after := strings.TrimRight(line[col:], " \t\r"); after != "" {
		return start + col, start + col + len(after)
	}
	before := strings.TrimRight(line[:col], " \t\r")
	lead := len(before) - len(strings.TrimLeft(before, " \t"))
	return start + lead, start + len(before)
}

// offset converts an LSP position into a byte offset of f.
func offset(f *source.File, p Position) int {
	return f.OffsetOfUTF16(p.Line, p.Character)
}

func severity(s rules.Severity) int {
	switch s {
	case rules.Error:
		return SeverityError
	case rules.Warning:
		return SeverityWarning
	}
	// schemagate's hints say something worth reading (what check would
	// tell): shown as information, not as the faint LSP hint.
	return SeverityInformation
}

// diagnostics converts a lint's findings.
func diagnostics(lr *lintResult, caps ClientCapabilities) []Diagnostic {
	out := make([]Diagnostic, 0, len(lr.findings))
	for i := range lr.findings {
		out = append(out, diagnostic(lr, &lr.findings[i], caps))
	}
	return out
}

func diagnostic(lr *lintResult, f *rules.Finding, caps ClientCapabilities) Diagnostic {
	d := Diagnostic{
		Range:    spanRange(lr.file, f.Span),
		Severity: severity(f.Severity),
		Code:     f.Rule,
		Source:   "schemagate",
		Message:  f.Message,
	}
	if r, ok := rules.Lookup(f.Rule); ok {
		d.CodeDescription = &CodeDescription{Href: r.URL()}
	}
	if f.Hint != "" {
		d.Message += "\n" + f.Hint
	}
	for _, ev := range f.Evidence {
		where := fmt.Sprintf("%s:%d", ev.File, ev.Line)
		msg := evidenceMessage(f, ev)
		if caps.TextDocument.PublishDiagnostics.RelatedInformation && lr.res.EvidenceRoot != "" {
			line := max(ev.Line-1, 0)
			d.RelatedInformation = append(d.RelatedInformation, DiagnosticRelatedInformation{
				Location: Location{URI: pathToURI(filepath.Join(lr.res.EvidenceRoot, filepath.FromSlash(ev.File))), Range: Range{Start: Position{Line: line}, End: Position{Line: line + 1}}},
				Message:  msg,
			})
			continue
		}
		d.Message += "\n" + where + ": " + msg
	}
	if f.MoreEvidence > 0 {
		d.Message += fmt.Sprintf("\n(and %d more places)", f.MoreEvidence)
	}
	return d
}

// evidenceMessage says how a release uses what a finding changes.
func evidenceMessage(f *rules.Finding, ev rules.Evidence) string {
	var parts []string
	release := ev.Release
	if release == "" {
		release = f.Release
	}
	if release != "" {
		parts = append(parts, "in "+release)
	}
	if ev.Kind != "" {
		parts = append(parts, ev.Kind)
	}
	if ev.Snippet != "" {
		parts = append(parts, strings.TrimSpace(ev.Snippet))
	}
	if len(parts) == 0 {
		return "used here"
	}
	return strings.Join(parts, ": ")
}
