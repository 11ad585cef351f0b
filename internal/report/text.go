package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

const (
	// tabWidth is the tab stop used to expand tabs in source lines so
	// the caret line stays aligned whatever the terminal does.
	tabWidth = 8
	// maxExcerpt is how many display cells of a source line are shown;
	// longer lines (generated or minified SQL) are cut around the span.
	maxExcerpt = 100
	// excerptLead is how much of a cut line is kept before the span.
	excerptLead = 24
)

// ANSI escapes.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiCyan   = "\x1b[1;36m"
)

type palette struct{ on bool }

func (p palette) wrap(code, s string) string {
	if !p.on || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (p palette) bold(s string) string { return p.wrap(ansiBold, s) }

func (p palette) severity(sev rules.Severity, s string) string {
	switch sev {
	case rules.Error:
		return p.wrap(ansiRed, s)
	case rules.Warning:
		return p.wrap(ansiYellow, s)
	case rules.Hint:
		return p.wrap(ansiCyan, s)
	}
	return s
}

func writeText(b *out, r *Report, opt Options) error {
	p := palette{on: opt.Color}
	if r.status() == StatusError && len(r.Findings) == 0 && r.Text == "" {
		// A run that could not run has nothing to say on standard output:
		// "no findings" would read as a clean result. Its errors go to
		// standard error.
		return nil
	}
	for _, n := range r.Notes {
		b.WriteString(sanitize(n))
		b.WriteByte('\n')
	}
	if len(r.Notes) > 0 {
		b.WriteByte('\n')
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		writeTextFinding(b, f, location(r, f, opt), r.Files[f.File], p)
		b.WriteByte('\n')
		b.spill()
	}
	if !r.NoFindings {
		b.WriteString(textSummary(r.Findings))
		if r.status() == StatusError {
			b.WriteString(" (incomplete: the run could not read everything; see standard error)")
		}
		b.WriteByte('\n')
		if r.RuleSummary && len(r.Findings) > 0 {
			writeRuleSummary(b, r.Findings)
		}
	}
	b.WriteString(r.Text)
	return nil
}

func writeTextFinding(b *out, f *rules.Finding, loc string, file *source.File, p palette) {
	if loc != "" {
		b.WriteString(p.bold(loc + ":"))
		b.WriteByte(' ')
	}
	b.WriteString(p.severity(f.Severity, f.Severity.String()))
	fmt.Fprintf(b, "[%s] %s\n", sanitize(f.Rule), sanitize(f.Message))

	if src, caret, ok := excerpt(file, f); ok {
		num := strconv.Itoa(f.Span.Start.Line)
		w := max(4, len(num))
		fmt.Fprintf(b, " %*s | %s\n", w, num, src)
		marks := strings.TrimLeft(caret, " ")
		fmt.Fprintf(b, " %*s | %s%s\n", w, "", caret[:len(caret)-len(marks)], p.severity(f.Severity, marks))
	}
	if f.Hint != "" {
		fmt.Fprintf(b, "  %s %s\n", p.bold("hint:"), sanitize(f.Hint))
	}
	for _, e := range f.Evidence {
		b.WriteString("  evidence")
		if e.Release != "" {
			fmt.Fprintf(b, " (%s)", sanitize(e.Release))
		}
		b.WriteString(": ")
		b.WriteString(evidencePlace(e))
		if s := strings.TrimSpace(e.Snippet); s != "" {
			b.WriteString(": ")
			b.WriteString(sanitize(s))
		}
		b.WriteByte('\n')
	}
	if f.MoreEvidence > 0 {
		fmt.Fprintf(b, "  ... and %d more\n", f.MoreEvidence)
	}
}

// location is "file:line:col", "file" for a finding about a whole file,
// or "" for one about no file; col counts in o.ColumnUnit.
func location(r *Report, f *rules.Finding, o Options) string {
	if f.File == "" {
		return ""
	}
	if !hasPos(f) {
		return sanitize(f.File)
	}
	return fmt.Sprintf("%s:%d:%d", sanitize(f.File), f.Span.Start.Line, r.column(f, o.ColumnUnit))
}

func evidencePlace(e rules.Evidence) string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", sanitize(e.File), e.Line)
	}
	return sanitize(e.File)
}

func textSummary(fs []rules.Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	c := countFindings(fs)
	var parts []string
	if c.errors > 0 {
		parts = append(parts, plural(c.errors, "error", "errors"))
	}
	if c.warnings > 0 {
		parts = append(parts, plural(c.warnings, "warning", "warnings"))
	}
	if c.hints > 0 {
		parts = append(parts, plural(c.hints, "hint", "hints"))
	}
	s := plural(len(fs), "finding", "findings")
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s
}

// writeRuleSummary prints how many findings each rule gave, most first
// (then by name), with the rule's severity: the overview a lint of a
// whole history needs before its hundreds of findings.
func writeRuleSummary(b *out, fs []rules.Finding) {
	type ruleCount struct {
		rule string
		sev  rules.Severity
		n    int
	}
	byRule := map[string]*ruleCount{}
	var order []*ruleCount
	for _, f := range fs {
		c := byRule[f.Rule]
		if c == nil {
			c = &ruleCount{rule: f.Rule, sev: f.Severity}
			byRule[f.Rule] = c
			order = append(order, c)
		}
		c.n++
		if f.Severity > c.sev {
			c.sev = f.Severity
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].n != order[j].n {
			return order[i].n > order[j].n
		}
		return order[i].rule < order[j].rule
	})
	width := 0
	for _, c := range order {
		width = max(width, len(sanitize(c.rule)))
	}
	b.WriteString("\nper rule:\n")
	for _, c := range order {
		fmt.Fprintf(b, "  %*d  %-*s  %s\n", len(strconv.Itoa(order[0].n)), c.n, width, sanitize(c.rule), c.sev)
	}
}

// cell is one printed piece of a source line: a character, one column
// of an expanded tab, or the escape shown for a control character.
type cell struct {
	text  string
	width int
}

// excerpt renders the finding's first line and the caret line under its
// span. ok is false when there is no text to show.
func excerpt(file *source.File, f *rules.Finding) (src, caret string, ok bool) {
	n := f.Span.Start.Line
	if file == nil || n < 1 || n > file.LineCount() {
		return "", "", false
	}
	cells, runeCell := layout(file.Line(n))
	// x[i] is the display column at which cell i starts.
	x := make([]int, len(cells)+1)
	for i, c := range cells {
		x[i+1] = x[i] + c.width
	}
	clampRune := func(col int) int { return runeCell[min(max(col-1, 0), len(runeCell)-1)] }
	a := clampRune(startColumn(f))
	b := len(cells) // a multi-line span is underlined to the end of its first line
	if endLine, endCol := endPos(f); endLine == n {
		b = max(clampRune(endCol), a)
	}

	total := x[len(cells)]
	lo, hi := 0, total
	if total > maxExcerpt {
		lo = max(0, x[a]-excerptLead)
		hi = lo + maxExcerpt
		if hi > total {
			hi = total
			lo = max(0, hi-maxExcerpt)
		}
	}
	var sb strings.Builder
	first := -1 // display column of the first cell shown
	if lo > 0 {
		sb.WriteString("…")
	}
	for i, c := range cells {
		if x[i] < lo || x[i]+c.width > hi {
			continue
		}
		if first < 0 {
			first = x[i]
		}
		sb.WriteString(c.text)
	}
	if first < 0 {
		first = lo
	}
	if hi < total {
		sb.WriteString("…")
	}
	pad := max(x[a]-first, 0)
	if lo > 0 {
		pad++ // the leading ellipsis
	}
	length := max(min(x[b], hi)-x[a], 1)
	caret = strings.Repeat(" ", pad) + "^" + strings.Repeat("~", length-1)
	return strings.TrimRight(sb.String(), " "), caret, true
}

// layout splits a line into cells, expanding tabs. runeCell[i] is the
// index of the first cell of the line's i-th code point (the unit of
// source columns); its last entry is len(cells).
func layout(line string) (cells []cell, runeCell []int) {
	col := 0
	for _, r := range line { // an invalid byte is one U+FFFD, as source counts it
		runeCell = append(runeCell, len(cells))
		if r == '\t' {
			for n := tabWidth - col%tabWidth; n > 0; n-- {
				cells = append(cells, cell{" ", 1})
				col++
			}
			continue
		}
		c := cell{text: visible(r, false)}
		if c.text == string(r) {
			c.width = runeWidth(r)
		} else {
			c.width = len(c.text) // an ASCII escape
		}
		cells = append(cells, c)
		col += c.width
	}
	runeCell = append(runeCell, len(cells))
	return cells, runeCell
}

// runeWidth is how many terminal cells r takes: 2 for East Asian wide
// characters, 0 for combining marks and format characters.
func runeWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
