package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/schemagate/schemagate/rules"
)

// jsonVersion is the version of the JSON document's shape; it changes
// only when a field is removed or changes meaning.
const jsonVersion = 1

type jsonReport struct {
	Version     int             `json:"version"`
	Tool        string          `json:"tool"`
	ToolVersion string          `json:"tool_version"`
	Command     string          `json:"command"`
	Status      string          `json:"status"`
	Error       string          `json:"error,omitempty"`
	Notes       []string        `json:"notes"`
	Migrations  []Dir           `json:"migrations,omitempty"`
	Findings    []rules.Finding `json:"findings"`
	Summary     jsonSummary     `json:"summary"`
}

type jsonSummary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Hint    int `json:"hint"`
}

func writeJSON(b *bytes.Buffer, r *Report, _ Options) error {
	c := countFindings(r.Findings)
	doc := jsonReport{
		Version:     jsonVersion,
		Tool:        r.tool(),
		ToolVersion: r.Version,
		Command:     r.Command,
		Status:      r.status(),
		Error:       strings.Join(r.Errors, "; "),
		Notes:       r.Notes,
		Migrations:  r.Migrations,
		Findings:    r.Findings,
		Summary:     jsonSummary{Error: c.errors, Warning: c.warnings, Hint: c.hints},
	}
	// Scripts index these arrays: never null.
	if doc.Notes == nil {
		doc.Notes = []string{}
	}
	if doc.Findings == nil {
		doc.Findings = []rules.Finding{}
	}
	if len(r.Fields) == 0 {
		return encodeJSON(b, doc)
	}
	// A command's own fields follow the standard ones, in its order.
	var std bytes.Buffer
	if err := encodeJSON(&std, doc); err != nil {
		return err
	}
	out := bytes.TrimRight(std.Bytes(), "\n")
	out = bytes.TrimSuffix(out, []byte("}"))
	out = bytes.TrimRight(out, "\n")
	b.Write(out)
	for _, f := range r.Fields {
		var v bytes.Buffer
		if err := encodeJSON(&v, f.Value); err != nil {
			return fmt.Errorf("%s: %w", f.Key, err)
		}
		key, _ := json.Marshal(f.Key)
		fmt.Fprintf(b, ",\n  %s: %s", key, bytes.ReplaceAll(bytes.TrimRight(v.Bytes(), "\n"), []byte("\n"), []byte("\n  ")))
	}
	b.WriteString("\n}\n")
	return nil
}

// encodeJSON writes v indented by two spaces with a trailing newline,
// leaving <, > and & readable in SQL messages.
func encodeJSON(b *bytes.Buffer, v any) error {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	// A MarshalJSON method (rules.Finding's) escapes HTML characters
	// itself, whatever the encoder says; undo just those escapes.
	unescapeHTML(b, out.Bytes())
	return nil
}

// unescapeHTML copies JSON text, turning \u003c, \u003e and \u0026 back
// into <, > and &. Backslashes occur only inside strings, each starting
// an escape, so walking escape by escape never misreads an escaped
// backslash followed by "u003c".
func unescapeHTML(b *bytes.Buffer, js []byte) {
	for i := 0; i < len(js); i++ {
		c := js[i]
		if c != '\\' || i+1 >= len(js) {
			b.WriteByte(c)
			continue
		}
		if js[i+1] == 'u' && i+6 <= len(js) {
			switch string(js[i+2 : i+6]) {
			case "003c":
				b.WriteByte('<')
				i += 5
				continue
			case "003e":
				b.WriteByte('>')
				i += 5
				continue
			case "0026":
				b.WriteByte('&')
				i += 5
				continue
			}
		}
		b.Write(js[i : i+2])
		i++
	}
}
