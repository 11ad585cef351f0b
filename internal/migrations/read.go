package migrations

import (
	"bytes"
	"io/fs"
	"path"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
)

// fileText is what migration.Read gave for one file.
type fileText struct {
	text   []byte
	reason string
	err    error
}

// head is the first bytes of the file as migration.ReadHead reads them,
// or nil when the file was not read whole.
func (t fileText) head() []byte {
	if t.text == nil {
		return nil
	}
	return t.text[:min(len(t.text), headSize)]
}

// readTexts reads the files names of dir with migration.Read, on every
// core, keyed by path.
func readTexts(fsys fs.FS, dir string, names []string, max int64) map[string]fileText {
	texts := make([]fileText, len(names))
	parallel(len(names), func(i int) {
		t := &texts[i]
		t.text, t.reason, t.err = migration.Read(fsys, path.Join(dir, names[i]), max)
	})
	out := make(map[string]fileText, len(names))
	for i, name := range names {
		out[path.Join(dir, name)] = texts[i]
	}
	return out
}

// parallel calls f(0), ..., f(n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		})
	}
	wg.Wait()
}

// line is one line of a file: [start, end) without its terminator, next
// is where the following line starts.
type line struct{ start, end, next int }

func splitLines(text []byte) []line {
	out := make([]line, 0, bytes.Count(text, []byte{'\n'})+1)
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
