package migrations

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/safefs"
	"github.com/schemagate/schemagate/internal/source"
)

var errIsDir = errors.New("is a directory")

// readText reads a migration file. A file that cannot be used as SQL text
// gives a reason (for a Skipped entry) instead of text; err is only for
// files that cannot be opened or read at all (a symlink out of the tree
// among them). A FIFO, socket or device is skipped, never opened.
func readText(fsys fs.FS, name string, max int64) (text []byte, reason string, err error) {
	text, err = safefs.ReadFile(fsys, name, max)
	switch {
	case errors.Is(err, safefs.ErrIsDir):
		return nil, "", errIsDir
	case safefs.SkipReason(err) != "":
		return nil, safefs.SkipReason(err), nil
	case errors.Is(err, safefs.ErrTooLarge):
		return nil, "larger than " + sizeText(max), nil
	case err != nil:
		return nil, "", err
	}
	if reason := textProblem(text); reason != "" {
		return nil, reason, nil
	}
	return text, "", nil
}

// textProblem says why text cannot be a SQL migration, or "".
func textProblem(text []byte) string {
	switch {
	case len(bytes.TrimSpace(text[bodyStart(text):])) == 0:
		return "empty file"
	case bytes.HasPrefix(text, []byte{0xFF, 0xFE}) || bytes.HasPrefix(text, []byte{0xFE, 0xFF}):
		return "UTF-16 text (save it as UTF-8)"
	case bytes.IndexByte(text, 0) >= 0:
		return "binary file"
	}
	if !utf8.Valid(text) {
		off := 0
		for off < len(text) {
			r, size := utf8.DecodeRune(text[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		p := source.NewFile("", text).Pos(off)
		return fmt.Sprintf("not valid UTF-8 (first bad byte at line %d, column %d)", p.Line, p.Column)
	}
	return ""
}

// readReason turns a read error into a one-line reason for Skipped.
func readReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read: " + err.Error()
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// bodyStart skips a UTF-8 byte order mark, which PostgreSQL would read as
// part of the first token.
func bodyStart(text []byte) int {
	if bytes.HasPrefix(text, []byte{0xEF, 0xBB, 0xBF}) {
		return 3
	}
	return 0
}

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
