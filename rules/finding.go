package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/internal/source"
)

// Severity orders findings; the fail level compares against it.
type Severity int

// Severities, from least to most severe. Off disables a rule.
const (
	Off Severity = iota
	Hint
	Warning
	Error
)

var severityNames = [...]string{"off", "hint", "warning", "error"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads "error", "warning", "hint" or "off".
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return Off, fmt.Errorf("unknown severity %q (want error, warning, hint or off)", name)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Category groups rules by what they protect.
type Category string

// Categories.
const (
	Compatibility Category = "compatibility" // breaks the release that is still running
	Locking       Category = "locking"       // blocks reads or writes while it runs
	Rewrite       Category = "rewrite"       // rewrites or scans a whole table
	Transaction   Category = "transaction"   // transaction structure and safety
	Reliability   Category = "reliability"   // fails or cannot be retried
	Data          Category = "data"          // data changes mixed into schema changes
	Style         Category = "style"         // type choices
	Correctness   Category = "correctness"   // the migration cannot run as written
)

// Categories lists every category, in the order `schemagate rules` names them.
var Categories = []Category{Compatibility, Locking, Rewrite, Transaction, Reliability, Data, Style, Correctness}

// Evidence is one place in a release that makes a finding true, such as
// a query that still reads a dropped column.
type Evidence struct {
	Release string `json:"release,omitempty"` // revision the place is in
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column,omitempty"`
	Snippet string `json:"snippet,omitempty"`
	Kind    string `json:"kind,omitempty"` // how it is referenced: select, insert, model, ...
}

// Edit replaces the bytes [Start, End) of the finding's file with Text.
type Edit struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Fix is a mechanical change that resolves a finding.
type Fix struct {
	Title string `json:"title"`
	Edits []Edit `json:"edits"`
}

// Finding is one problem found in one file.
type Finding struct {
	Rule     string      `json:"rule"`
	Severity Severity    `json:"severity"`
	Category Category    `json:"category"`
	File     string      `json:"file"`
	Span     source.Span `json:"-"`
	Message  string      `json:"message"`
	Hint     string      `json:"hint,omitempty"` // one line: what to do instead

	// Release names the release the finding would break (check only).
	Release string `json:"release,omitempty"`
	// Evidence lists up to a few places that make the finding true;
	// MoreEvidence counts the rest.
	Evidence     []Evidence `json:"evidence,omitempty"`
	MoreEvidence int        `json:"more_evidence,omitempty"`
	// Fixes are mechanical edits an editor can offer.
	Fixes []Fix `json:"fixes,omitempty"`
}

// plainFinding is a Finding without its JSON methods.
type plainFinding Finding

// findingJSON is the documented JSON shape of a finding: the span
// flattened into line, column, end_line, end_column and offsets.
type findingJSON struct {
	plainFinding
	Line      int `json:"line"`
	Column    int `json:"column"`
	EndLine   int `json:"end_line"`
	EndColumn int `json:"end_column"`
	Offset    int `json:"offset"`
	EndOffset int `json:"end_offset"`
}

// MarshalJSON writes findingJSON.
func (f Finding) MarshalJSON() ([]byte, error) {
	return json.Marshal(findingJSON{plainFinding(f), f.Span.Start.Line, f.Span.Start.Column, f.Span.End.Line, f.Span.End.Column, f.Span.Start.Offset, f.Span.End.Offset})
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var v findingJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Finding(v.plainFinding)
	f.Span = source.Span{
		Start: source.Pos{Offset: v.Offset, Line: v.Line, Column: v.Column},
		End:   source.Pos{Offset: v.EndOffset, Line: v.EndLine, Column: v.EndColumn},
	}
	return nil
}
