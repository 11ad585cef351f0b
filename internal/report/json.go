package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/schemagate/schemagate/rules"
)

// jsonVersion is the version of the JSON document's shape; it changes
// only when a field is removed or changes meaning.
const jsonVersion = 1

// writeJSON writes the document
//
//	{"version", "tool", "tool_version", "command", "status", "error",
//	 "notes", "migrations", "findings", "summary", the command's fields}
//
// indented by two spaces, finding by finding: a run with tens of
// thousands of findings is not marshalled as one value (that took more
// time and memory than linting). The bytes are exactly what
// encoding/json gives for the same document with SetEscapeHTML(false)
// and rules.Finding's MarshalJSON (TestJSONMatchesEncodingJSON holds
// them to it).
func writeJSON(b *out, r *Report, _ Options) error {
	c := countFindings(r.Findings)
	// The values that are not findings are encoded first: a failure
	// there must come before any part of the document is spilled.
	var migrations []byte
	if len(r.Migrations) > 0 {
		var err error
		if migrations, err = appendValue(nil, "migrations", r.Migrations); err != nil {
			return err
		}
	}
	var fields []byte
	for _, f := range r.Fields {
		var err error
		if fields, err = appendValue(fields, f.Key, f.Value); err != nil {
			return fmt.Errorf("%s: %w", f.Key, err)
		}
	}
	buf := make([]byte, 0, 4096)
	buf = append(buf, "{\n  \"version\": "...)
	buf = strconv.AppendInt(buf, jsonVersion, 10)
	buf = appendKey(buf, ",\n  ", "tool")
	buf = appendJSONString(buf, r.tool())
	buf = appendKey(buf, ",\n  ", "tool_version")
	buf = appendJSONString(buf, r.Version)
	buf = appendKey(buf, ",\n  ", "command")
	buf = appendJSONString(buf, r.Command)
	buf = appendKey(buf, ",\n  ", "status")
	buf = appendJSONString(buf, r.status())
	if len(r.Errors) > 0 {
		buf = appendKey(buf, ",\n  ", "error")
		buf = appendJSONString(buf, strings.Join(r.Errors, "; "))
	}
	// Scripts index these arrays: never null.
	buf = appendKey(buf, ",\n  ", "notes")
	if len(r.Notes) == 0 {
		buf = append(buf, "[]"...)
	} else {
		buf = append(buf, '[')
		for i, n := range r.Notes {
			buf = appendItem(buf, i, "    ")
			buf = appendJSONString(buf, n)
		}
		buf = append(buf, "\n  ]"...)
	}
	buf = append(buf, migrations...)
	buf = appendKey(buf, ",\n  ", "findings")
	if len(r.Findings) == 0 {
		buf = append(buf, "[]"...)
	} else {
		buf = append(buf, '[')
		for i := range r.Findings {
			buf = appendItem(buf, i, "    ")
			buf = appendFinding(buf, &r.Findings[i], "    ")
			if len(buf) >= spillAt {
				b.Write(buf)
				b.spill()
				buf = buf[:0]
			}
		}
		buf = append(buf, "\n  ]"...)
	}
	buf = appendKey(buf, ",\n  ", "summary")
	buf = appendKey(buf, "{\n    ", "error")
	buf = strconv.AppendInt(buf, int64(c.errors), 10)
	buf = appendKey(buf, ",\n    ", "warning")
	buf = strconv.AppendInt(buf, int64(c.warnings), 10)
	buf = appendKey(buf, ",\n    ", "hint")
	buf = strconv.AppendInt(buf, int64(c.hints), 10)
	buf = append(buf, "\n  }"...)
	// A command's own fields follow the standard ones, in its order.
	buf = append(buf, fields...)
	buf = append(buf, "\n}\n"...)
	b.Write(buf)
	return nil
}

// appendValue writes ,"key": and v as encodeJSON writes it, indented
// as a field of the document: for the few values (migrations, a
// command's fields) that are not findings.
func appendValue(buf []byte, key string, v any) ([]byte, error) {
	var o out
	if err := encodeJSON(&o, v); err != nil {
		return buf, err
	}
	buf = append(buf, ",\n  "...)
	buf = appendJSONString(buf, key)
	buf = append(buf, ':', ' ')
	return append(buf, bytes.ReplaceAll(bytes.TrimRight(o.Bytes(), "\n"), []byte("\n"), []byte("\n  "))...), nil
}

// appendFinding writes f as rules.Finding's MarshalJSON shapes it,
// indented for an object that starts at indent.
func appendFinding(buf []byte, f *rules.Finding, indent string) []byte {
	in := indent + "  "
	field := func(buf []byte, first bool, key string) []byte {
		if !first {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		buf = append(buf, in...)
		return appendKey(buf, "", key)
	}
	buf = append(buf, '{')
	buf = field(buf, true, "rule")
	buf = appendJSONString(buf, f.Rule)
	buf = field(buf, false, "severity")
	buf = appendJSONString(buf, f.Severity.String())
	buf = field(buf, false, "category")
	buf = appendJSONString(buf, string(f.Category))
	buf = field(buf, false, "file")
	buf = appendJSONString(buf, f.File)
	buf = field(buf, false, "message")
	buf = appendJSONString(buf, f.Message)
	if f.Hint != "" {
		buf = field(buf, false, "hint")
		buf = appendJSONString(buf, f.Hint)
	}
	if f.Release != "" {
		buf = field(buf, false, "release")
		buf = appendJSONString(buf, f.Release)
	}
	if len(f.Evidence) > 0 {
		buf = field(buf, false, "evidence")
		buf = appendArray(buf, f.Evidence, in, appendEvidence)
	}
	if f.MoreEvidence != 0 {
		buf = field(buf, false, "more_evidence")
		buf = strconv.AppendInt(buf, int64(f.MoreEvidence), 10)
	}
	if len(f.Fixes) > 0 {
		buf = field(buf, false, "fixes")
		buf = appendArray(buf, f.Fixes, in, appendFix)
	}
	for _, kv := range [...]struct {
		key string
		v   int
	}{
		{"line", f.Span.Start.Line}, {"column", f.Span.Start.Column},
		{"end_line", f.Span.End.Line}, {"end_column", f.Span.End.Column},
		{"offset", f.Span.Start.Offset}, {"end_offset", f.Span.End.Offset},
	} {
		buf = field(buf, false, kv.key)
		buf = strconv.AppendInt(buf, int64(kv.v), 10)
	}
	buf = append(buf, '\n')
	buf = append(buf, indent...)
	return append(buf, '}')
}

// appendArray writes items as a JSON array that closes at indent, each
// item an element written by appendElem one level deeper.
func appendArray[T any](buf []byte, items []T, indent string, appendElem func([]byte, *T, string) []byte) []byte {
	buf = append(buf, '[')
	for i := range items {
		buf = appendItem(buf, i, indent+"  ")
		buf = appendElem(buf, &items[i], indent+"  ")
	}
	buf = append(buf, '\n')
	buf = append(buf, indent...)
	return append(buf, ']')
}

func appendEvidence(buf []byte, e *rules.Evidence, indent string) []byte {
	in := indent + "  "
	buf = append(buf, '{')
	first := true
	field := func(key string) {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, '\n')
		buf = append(buf, in...)
		buf = appendKey(buf, "", key)
	}
	if e.Release != "" {
		field("release")
		buf = appendJSONString(buf, e.Release)
	}
	field("file")
	buf = appendJSONString(buf, e.File)
	field("line")
	buf = strconv.AppendInt(buf, int64(e.Line), 10)
	if e.Column != 0 {
		field("column")
		buf = strconv.AppendInt(buf, int64(e.Column), 10)
	}
	if e.Snippet != "" {
		field("snippet")
		buf = appendJSONString(buf, e.Snippet)
	}
	if e.Kind != "" {
		field("kind")
		buf = appendJSONString(buf, e.Kind)
	}
	buf = append(buf, '\n')
	buf = append(buf, indent...)
	return append(buf, '}')
}

func appendFix(buf []byte, f *rules.Fix, indent string) []byte {
	in := indent + "  "
	buf = append(buf, '{', '\n')
	buf = append(buf, in...)
	buf = appendKey(buf, "", "title")
	buf = appendJSONString(buf, f.Title)
	buf = append(buf, ",\n"...)
	buf = append(buf, in...)
	buf = appendKey(buf, "", "edits")
	switch {
	case f.Edits == nil:
		buf = append(buf, "null"...)
	case len(f.Edits) == 0:
		buf = append(buf, "[]"...)
	default:
		buf = append(buf, '[')
		ein := in + "    "
		for i, e := range f.Edits {
			buf = appendItem(buf, i, in+"  ")
			buf = append(buf, '{')
			buf = appendKey(buf, "\n"+ein, "start")
			buf = strconv.AppendInt(buf, int64(e.Start), 10)
			buf = appendKey(buf, ",\n"+ein, "end")
			buf = strconv.AppendInt(buf, int64(e.End), 10)
			buf = appendKey(buf, ",\n"+ein, "text")
			buf = appendJSONString(buf, e.Text)
			buf = append(buf, '\n')
			buf = append(buf, in...)
			buf = append(buf, "  }"...)
		}
		buf = append(buf, '\n')
		buf = append(buf, in...)
		buf = append(buf, ']')
	}
	buf = append(buf, '\n')
	buf = append(buf, indent...)
	return append(buf, '}')
}

// appendItem starts element i of an array whose elements are indented
// by indent.
func appendItem(buf []byte, i int, indent string) []byte {
	if i > 0 {
		buf = append(buf, ',')
	}
	buf = append(buf, '\n')
	return append(buf, indent...)
}

// appendKey writes sep, then "key": .
func appendKey(buf []byte, sep, key string) []byte {
	buf = append(buf, sep...)
	buf = append(buf, '"')
	buf = append(buf, key...)
	return append(buf, '"', ':', ' ')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML
// escaping: control characters escaped, invalid UTF-8 as U+FFFD, and
// U+2028 and U+2029 escaped for JavaScript's sake.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// encodeJSON writes v indented by two spaces with a trailing newline,
// leaving <, > and & readable in SQL messages.
func encodeJSON(b *out, v any) error {
	var js bytes.Buffer
	enc := json.NewEncoder(&js)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	// A MarshalJSON method (rules.Finding's) escapes HTML characters
	// itself, whatever the encoder says; undo just those escapes.
	unescapeHTML(&b.Buffer, js.Bytes())
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
