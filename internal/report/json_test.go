package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/rules"
)

// marshalledJSON is the JSON document as encoding/json writes it, with
// rules.Finding's MarshalJSON and a command's fields after the standard
// ones: what writeJSON must reproduce byte for byte.
func marshalledJSON(t *testing.T, r *Report) string {
	t.Helper()
	type summary struct {
		Error   int `json:"error"`
		Warning int `json:"warning"`
		Hint    int `json:"hint"`
	}
	c := countFindings(r.Findings)
	doc := struct {
		Version     int             `json:"version"`
		Tool        string          `json:"tool"`
		ToolVersion string          `json:"tool_version"`
		Command     string          `json:"command"`
		Status      string          `json:"status"`
		Error       string          `json:"error,omitempty"`
		Notes       []string        `json:"notes"`
		Migrations  []Dir           `json:"migrations,omitempty"`
		Findings    []rules.Finding `json:"findings"`
		Summary     summary         `json:"summary"`
	}{jsonVersion, r.tool(), r.Version, r.Command, r.status(), strings.Join(r.Errors, "; "),
		r.Notes, r.Migrations, r.Findings, summary{c.errors, c.warnings, c.hints}}
	if doc.Notes == nil {
		doc.Notes = []string{}
	}
	if doc.Findings == nil {
		doc.Findings = []rules.Finding{}
	}
	var b out
	if err := encodeJSON(&b, doc); err != nil {
		t.Fatal(err)
	}
	if len(r.Fields) == 0 {
		return b.String()
	}
	std := strings.TrimSuffix(strings.TrimRight(b.String(), "\n"), "}")
	var s strings.Builder
	s.WriteString(strings.TrimRight(std, "\n"))
	for _, f := range r.Fields {
		var v out
		if err := encodeJSON(&v, f.Value); err != nil {
			t.Fatal(err)
		}
		key, _ := json.Marshal(f.Key)
		fmt.Fprintf(&s, ",\n  %s: %s", key, strings.ReplaceAll(strings.TrimRight(v.String(), "\n"), "\n", "\n  "))
	}
	s.WriteString("\n}\n")
	return s.String()
}

// awkward are strings that JSON escaping must treat exactly as
// encoding/json does.
var awkward = []string{
	"", "plain", `quote " and \ backslash`, "<b> & </b>", `\u003c stays`, "tab\tnew\nline\rcr",
	"\b\f\x00\x01\x1f\x7f", "bad \xff utf-8 \xc3", "line sep \u2028 para \u2029", "é ✓ 日本 🎉",
	"\u200e bidi \u202e",
}

// fill sets every field of the struct v points at, recursively, to a
// non-zero value taken from awkward (slices get two elements), so a
// field added to rules.Finding that the hand-written encoder misses
// makes the comparison fail.
func fill(v reflect.Value, seed int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(awkward[seed%len(awkward)] + "x")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(seed%7 + 1))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(s.Index(i), seed+i+1)
		}
		v.Set(s)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), seed+i)
			}
		}
	}
}

func TestJSONMatchesEncodingJSON(t *testing.T) {
	var full rules.Finding
	fill(reflect.ValueOf(&full).Elem(), 0)
	full.Severity = rules.Warning
	var findings []rules.Finding
	for i, s := range awkward {
		f := full
		f.Message, f.Hint, f.File = s, s, s
		f.Evidence = []rules.Evidence{{File: s, Line: i, Snippet: s}}
		f.Fixes = []rules.Fix{{Title: s, Edits: []rules.Edit{{Start: i, End: i + 1, Text: s}}}, {Title: "none"}, {Title: "empty", Edits: []rules.Edit{}}}
		findings = append(findings, f)
		findings = append(findings, rules.Finding{Rule: s, Severity: rules.Severity(i % 4), Message: s})
	}
	// Every byte on its own, for the escaping table.
	var all strings.Builder
	for c := 0; c < 256; c++ {
		all.WriteByte(byte(c))
	}
	findings = append(findings, rules.Finding{Rule: "bytes", Message: all.String()})

	for _, r := range []*Report{
		{},
		{Tool: "schemagate", Version: "1.2.3", Command: "lint", Notes: []string{"one", "two <&>"}},
		{Version: "dev", Command: "check", Findings: []rules.Finding{full}},
		{Version: "dev", Command: "lint", Notes: awkward, Findings: findings},
		{Command: "lint", Errors: []string{"one", "two <&>"}, Status: StatusError,
			Migrations: []Dir{{Dir: "db/<m>", Format: "rails", Count: 3, Found: "config"}, {Dir: "x", PostDeploy: true}}},
		{Command: "refs", Findings: findings[:3], Fields: []Field{
			{Key: "references", Value: []map[string]any{{"file": "a & b.rb", "line": 3}}},
			{Key: "empty", Value: []string{}}, {Key: "n", Value: 7}}},
	} {
		var got bytes.Buffer
		if err := Write(&got, "json", r, Options{Rules: testLookup}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(marshalledJSON(t, r), got.String()); diff != "" {
			t.Errorf("writeJSON differs from encoding/json (-want +got):\n%s", diff)
		}
	}
}

// TestJSONStreams checks that a large report reaches the writer in
// pieces, not as one buffer, and stays one valid document.
func TestJSONStreams(t *testing.T) {
	r := &Report{Command: "lint"}
	for i := 0; i < 2000; i++ {
		r.Findings = append(r.Findings, rules.Finding{Rule: "r", File: "f.sql", Message: strings.Repeat("m", 100)})
	}
	w := &countWrites{}
	if err := Write(w, "json", r, Options{Rules: testLookup}); err != nil {
		t.Fatal(err)
	}
	if w.calls < 2 {
		t.Errorf("%d writes for a %d-byte report; want it spilled as it is rendered", w.calls, w.Len())
	}
	var doc struct{ Findings []rules.Finding }
	if err := json.Unmarshal(w.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != len(r.Findings) {
		t.Errorf("decoded %d findings, want %d", len(doc.Findings), len(r.Findings))
	}
}

type countWrites struct {
	bytes.Buffer
	calls int
}

func (c *countWrites) Write(p []byte) (int, error) {
	c.calls++
	return c.Buffer.Write(p)
}

// TestLargeWriteError: a writer that fails while a large report spills
// is reported as an error.
func TestLargeWriteError(t *testing.T) {
	r := &Report{Command: "lint"}
	for i := 0; i < 2000; i++ {
		r.Findings = append(r.Findings, rules.Finding{Rule: "r", File: "f.sql", Message: strings.Repeat("m", 100)})
	}
	for _, format := range Formats() {
		err := Write(failingWriter{}, format, r, Options{Rules: testLookup})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: Write = %v, want the writer's error", format, err)
		}
	}
}

// TestJSONFieldErrorWritesNothing: a command's field that cannot be
// encoded fails the report before any of it reaches the writer, however
// many findings come first.
func TestJSONFieldErrorWritesNothing(t *testing.T) {
	r := &Report{Command: "refs", Fields: []Field{{Key: "bad", Value: make(chan int)}}}
	for i := 0; i < 2000; i++ {
		r.Findings = append(r.Findings, rules.Finding{Rule: "r", File: "f.sql", Message: strings.Repeat("m", 100)})
	}
	w := &countWrites{}
	if err := Write(w, "json", r, Options{Rules: testLookup}); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Errorf("Write = %v, want an error naming the field", err)
	}
	if w.Len() != 0 {
		t.Errorf("%d bytes written before the error; want none", w.Len())
	}
}
