package migrations

import (
	"bytes"

	"github.com/schemagate/schemagate/internal/source"
)

// line is one line of a file: [start, end) without its terminator, next
// is where the following line starts.
type line struct{ start, end, next int }

func splitLines(text []byte) []line {
	var out []line
	for start := 0; start < len(text); {
		nl := bytes.IndexByte(text[start:], '\n')
		next := len(text)
		end := len(text)
		if nl >= 0 {
			end = start + nl
			next = end + 1
		}
		if end > start && text[end-1] == '\r' {
			end--
		}
		out = append(out, line{start, end, next})
		start = next
	}
	return out
}

// lineSpan is the span of a line, used for problems about a whole
// annotation or file.
func lineSpan(f *source.File, l line) source.Span { return f.Span(l.start, l.end) }

// firstLineSpan is where file-level problems point.
func firstLineSpan(f *source.File) source.Span {
	ls := splitLines(f.Text)
	if len(ls) == 0 {
		return f.Span(0, 0)
	}
	return lineSpan(f, ls[0])
}
