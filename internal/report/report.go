// Package report writes findings in the formats schemagate offers:
// text for people, json for scripts, sarif for GitHub code scanning,
// github for workflow annotations, gcc for editors that parse compiler
// output (Vim, Emacs flymake, efm) and gitlab for GitLab's code quality
// report.
package report

import (
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Report is everything one run has to say.
type Report struct {
	Tool     string          // "schemagate" when empty
	Version  string          // tool version
	Command  string          // "lint", "check", ...
	Findings []rules.Finding // sorted by the caller (file, line, column, rule)
	// Files holds the text of the files findings are in, keyed by
	// Finding.File, for source lines and carets; a missing file only
	// loses its excerpt.
	Files map[string]*source.File
	// Notes are short lines the reader should see, such as which
	// release the run checked against.
	Notes []string
	// Errors say what kept the run from checking everything (a file it
	// could not read, a release it could not load): such a run exits 2,
	// and its findings are only part of the answer. SARIF marks the
	// invocation unsuccessful; the text formats leave them to standard
	// error.
	Errors []string
	// Status is the run's outcome, StatusOK, StatusFindings or
	// StatusError ("" reads as error when there are Errors, else as
	// findings when there are any, else ok). A document of a run that
	// failed says so: never a bare empty findings list beside exit code 2.
	Status string
	// Migrations are the migration directories the run read.
	Migrations []Dir
	// Text is a command's own text (verify's statement table, refs'
	// references), written after the findings; NoFindings says the
	// command looks for none (refs), so no summary line is written.
	Text       string
	NoFindings bool
	// RuleSummary ends the text format with the number of findings per
	// rule (a lint of a whole history).
	RuleSummary bool
	// Fields are a command's own fields of the JSON document (verify's
	// statements, refs' references), after the standard ones, in order.
	Fields []Field
}

// Run outcomes, for Report.Status.
const (
	StatusOK       = "ok"
	StatusFindings = "findings"
	StatusError    = "error"
)

// Dir is one migration directory a run read.
type Dir struct {
	Dir        string `json:"dir"`
	Format     string `json:"format"`
	Count      int    `json:"count"`
	Found      string `json:"found"`
	PostDeploy bool   `json:"post_deploy,omitempty"`
}

// Field is one field a command adds to its JSON document.
type Field struct {
	Key   string
	Value any
}

// status is the run's outcome as the report says it.
func (r *Report) status() string {
	switch {
	case r.Status != "":
		return r.Status
	case len(r.Errors) > 0:
		return StatusError
	case len(r.Findings) > 0:
		return StatusFindings
	}
	return StatusOK
}

// Options tune the output.
type Options struct {
	// Color adds ANSI colour to the text format.
	Color bool
	// ColumnUnit is what the column of the text and gcc formats'
	// file:line:col counts (ColumnUnits; code points when empty).
	ColumnUnit string
	// Rules finds a rule's metadata for SARIF; nil means rules.Lookup.
	Rules func(name string) (*rules.Rule, bool)
}

var writers = []struct {
	name  string
	write func(*out, *Report, Options) error
}{
	{"text", writeText},
	{"json", writeJSON},
	{"sarif", writeSARIF},
	{"github", writeGitHub},
	{"gcc", writeGCC},
	{"gitlab", writeGitLab},
}

// Formats lists the format names Write accepts, the default first.
func Formats() []string {
	out := make([]string, len(writers))
	for i, w := range writers {
		out[i] = w.name
	}
	return out
}

// Write renders r in format ("" means text) to w.
func Write(w io.Writer, format string, r *Report, opt Options) error {
	if format == "" {
		format = "text"
	}
	if r == nil {
		r = &Report{}
	}
	if opt.Rules == nil {
		opt.Rules = rules.Lookup
	}
	for _, f := range writers {
		if f.name != format {
			continue
		}
		// Formats that cannot fail halfway spill to w as they go; the
		// others render fully first so a failure never leaves half a
		// document.
		o := &out{w: w}
		if err := f.write(o, r, opt); err != nil {
			return fmt.Errorf("%s report: %w", format, err)
		}
		o.flush()
		if o.err != nil {
			return fmt.Errorf("writing %s report: %w", format, o.err)
		}
		return nil
	}
	names := Formats()
	return fmt.Errorf("unknown output format %q (valid: %s or %s)",
		format, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

func (r *Report) tool() string {
	if r.Tool == "" {
		return "schemagate"
	}
	return r.Tool
}

// counts is the number of findings per severity.
type counts struct{ errors, warnings, hints int }

func countFindings(fs []rules.Finding) counts {
	var c counts
	for _, f := range fs {
		switch f.Severity {
		case rules.Error:
			c.errors++
		case rules.Warning:
			c.warnings++
		case rules.Hint:
			c.hints++
		}
	}
	return c
}

// severityWords names the severities in one output format's terms; other
// is for anything below a hint.
type severityWords struct{ err, warning, hint, other string }

func (w severityWords) of(s rules.Severity) string {
	switch s {
	case rules.Error:
		return w.err
	case rules.Warning:
		return w.warning
	case rules.Hint:
		return w.hint
	}
	return w.other
}

// hasPos reports whether the finding points at a line, not just a file.
func hasPos(f *rules.Finding) bool { return f.Span.Start.Line > 0 }

// Column units: what the program reading file:line:col counts. Emacs
// counts characters, Vim (and ALE) bytes, LSP clients (through
// efm-langserver, which passes the column on) UTF-16 code units.
const (
	ColumnChars = "char"
	ColumnBytes = "byte"
	ColumnUTF16 = "utf-16"
)

// ColumnUnits lists the units Options.ColumnUnit takes.
var ColumnUnits = []string{ColumnChars, ColumnBytes, ColumnUTF16}

// column is the finding's 1-based column in unit, counted in the text of
// its file (code points when the report does not hold the file).
func (r *Report) column(f *rules.Finding, unit string) int {
	file := r.Files[f.File]
	if file == nil || unit == "" || unit == ColumnChars {
		return startColumn(f)
	}
	p := file.Pos(f.Span.Start.Offset)
	switch unit {
	case ColumnBytes:
		return p.Offset - file.LineStart(p.Line) + 1
	case ColumnUTF16:
		return file.UTF16Column(p.Offset) + 1
	}
	return startColumn(f)
}

// startColumn is the finding's 1-based column, 1 when unknown.
func startColumn(f *rules.Finding) int { return max(f.Span.Start.Column, 1) }

// endPos is the span's end, never before its start.
func endPos(f *rules.Finding) (line, col int) {
	s, e := f.Span.Start, f.Span.End
	if e.Line < s.Line || (e.Line == s.Line && e.Column < s.Column) || e.Line == 0 {
		return s.Line, startColumn(f)
	}
	return e.Line, max(e.Column, 1)
}

// slashPath is a file path as the outputs that need repository-relative
// paths want it: forward slashes, no leading "./".
func slashPath(p string) string {
	if p == "" {
		return ""
	}
	p = path.Clean(filepath.ToSlash(p))
	return p
}

// fileURI turns a path into a SARIF artifact URI: relative paths stay
// relative (to %SRCROOT%), absolute ones become file URIs.
func fileURI(p string) (uri string, relative bool) {
	p = slashPath(p)
	if strings.HasPrefix(p, "/") {
		return (&url.URL{Scheme: "file", Path: p}).String(), false
	}
	// A URL's String adds "./" before a first segment with a colon, so
	// it is never read as a scheme.
	return (&url.URL{Path: p}).String(), true
}

// sanitize makes s safe to print on one line of a terminal or log:
// line breaks and tabs become spaces, other control characters and
// bidirectional overrides (which could hide or reorder text) become
// visible escapes.
func sanitize(s string) string {
	if !needsSanitize(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteString(visible(r, true))
	}
	return b.String()
}

func needsSanitize(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || isBidiControl(r) {
			return true
		}
	}
	return false
}

// visible is how rune r is printed; spaceWS maps whitespace controls
// to a space.
func visible(r rune, spaceWS bool) string {
	switch {
	case spaceWS && (r == '\n' || r == '\r' || r == '\t' || r == '\v' || r == '\f'):
		return " "
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return fmt.Sprintf(`\x%02x`, r)
	case isBidiControl(r):
		return fmt.Sprintf(`\u%04x`, r)
	}
	return string(r)
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
