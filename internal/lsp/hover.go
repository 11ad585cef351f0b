package lsp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/schemagate/schemagate/rules"
)

func (s *Server) hover(p TextDocumentPositionParams) (any, error) {
	lr, _ := s.current(p.TextDocument.URI)
	if lr == nil {
		return nil, nil
	}
	s.mu.Lock()
	markdown := len(s.caps.TextDocument.Hover.ContentFormat) == 0 || slices.Contains(s.caps.TextDocument.Hover.ContentFormat, MarkupMarkdown)
	s.mu.Unlock()
	at := offset(lr.file, p.Position)
	var sections []string
	var rng *Range
	for i := range lr.findings {
		f := &lr.findings[i]
		if f.Span.Empty() || at < f.Span.Start.Offset || at > f.Span.End.Offset {
			continue
		}
		if rng == nil {
			r := spanRange(lr.file, f.Span)
			rng = &r
		}
		sections = append(sections, s.explainFinding(f, markdown))
	}
	if len(sections) == 0 {
		return nil, nil
	}
	kind, sep := MarkupPlainText, "\n\n"
	if markdown {
		kind, sep = MarkupMarkdown, "\n\n---\n\n"
	}
	return Hover{Contents: MarkupContent{Kind: kind, Value: strings.Join(sections, sep)}, Range: rng}, nil
}

// explainFinding is the hover text of one finding: what was found, then
// the rule's explanation as `schemagate explain` prints it.
func (s *Server) explainFinding(f *rules.Finding, markdown bool) string {
	var b strings.Builder
	if markdown {
		fmt.Fprintf(&b, "**%s** (%s)\n\n%s\n", f.Rule, f.Severity, escapeMarkdown(f.Message))
		if f.Hint != "" {
			fmt.Fprintf(&b, "\n_%s_\n", escapeMarkdown(f.Hint))
		}
	} else {
		fmt.Fprintf(&b, "%s (%s)\n\n%s\n", f.Rule, f.Severity, f.Message)
		if f.Hint != "" {
			fmt.Fprintf(&b, "\n%s\n", f.Hint)
		}
	}
	r, ok := rules.Lookup(f.Rule)
	if !ok {
		return b.String()
	}
	doc := s.explain(r)
	if markdown {
		// The explanation holds indented SQL examples: keep its layout.
		fmt.Fprintf(&b, "\n```text\n%s\n```\n", strings.TrimRight(doc, "\n"))
	} else {
		fmt.Fprintf(&b, "\n%s", doc)
	}
	return b.String()
}

func (s *Server) explain(r *rules.Rule) string {
	if s.opt.Explain != nil {
		return s.opt.Explain(r)
	}
	return fmt.Sprintf("%s (%s, %s)\n\n%s\n\n%s\n\nDocs: %s\n", r.Name, r.Severity, r.Category, r.Summary, r.Doc, r.URL())
}

var markdownEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", `\<`, "[", `\[`)

func escapeMarkdown(s string) string { return markdownEscaper.Replace(s) }
