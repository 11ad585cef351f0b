package lang

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/schemagate/schemagate/internal/refs"
	"github.com/schemagate/schemagate/internal/source"
)

// maxSnippet is the most code points a reference's snippet keeps.
const maxSnippet = 160

// Extractor finds the references of the SQL in one language's string
// literals. It is safe for concurrent use.
type Extractor struct {
	lang    Language
	source  refs.Source
	resolve refs.ResolveFunc

	files, literals, skipped, references atomic.Int64
}

// Stats counts what an Extractor has read so far.
type Stats struct {
	Files      int64 // files read
	Literals   int64 // literals that looked like SQL
	Skipped    int64 // of those, literals the resolver rejected
	References int64 // references returned
}

// Skipped is a literal that looked like SQL but did not resolve: the
// caller may report it (file position of the literal and why).
type Skipped struct {
	Line, Column int
	Err          error
}

var sources = map[Language]refs.Source{
	Go:         refs.GoCode,
	Ruby:       refs.RubyCode,
	Python:     refs.PythonCode,
	JavaScript: refs.JSCode,
	TypeScript: refs.TSCode,
	Java:       refs.JavaCode,
}

// NewExtractor returns the extractor for the string literals of lang,
// resolving each SQL text with resolve.
func NewExtractor(lang Language, resolve refs.ResolveFunc) *Extractor {
	return &Extractor{lang: lang, source: sources[lang], resolve: resolve}
}

var _ refs.Extractor = (*Extractor)(nil)

// Name implements refs.Extractor.
func (e *Extractor) Name() string { return string(e.lang) + "-sql-strings" }

// Match implements refs.Extractor.
func (e *Extractor) Match(path string) bool { return Detect(path) == e.lang }

// Stats returns the counts so far.
func (e *Extractor) Stats() Stats {
	return Stats{
		Files:      e.files.Load(),
		Literals:   e.literals.Load(),
		Skipped:    e.skipped.Load(),
		References: e.references.Load(),
	}
}

// Extract implements refs.Extractor. Literals the resolver rejects are
// counted in Stats and otherwise skipped; ExtractDetailed lists them.
func (e *Extractor) Extract(path string, src []byte) ([]refs.Reference, error) {
	out, _, err := e.ExtractDetailed(path, src)
	return out, err
}

// ExtractDetailed is Extract that also returns the literals the resolver
// rejected.
func (e *Extractor) ExtractDetailed(path string, src []byte) ([]refs.Reference, []Skipped, error) {
	e.files.Add(1)
	lits, err := Literals(e.lang, path, src)
	if len(lits) == 0 {
		return nil, nil, err
	}
	e.literals.Add(int64(len(lits)))
	f := source.NewFile(path, src)
	type key struct {
		schema, table, column string
		usage                 refs.Usage
		certainty             refs.Certainty
		line, col             int
	}
	seen := map[key]bool{}
	var out []refs.Reference
	var skipped []Skipped
	for _, lit := range lits {
		found, rerr := e.resolve(lit.Text)
		if rerr != nil {
			skipped = append(skipped, Skipped{Line: lit.Line, Column: lit.Column, Err: rerr})
			continue
		}
		for _, r := range found {
			off := min(max(lit.FileOffset(r.Offset), 0), len(src))
			pos := f.Pos(off)
			r.File, r.Line, r.Col = path, pos.Line, pos.Column
			r.Source = e.source
			r.Snippet = snippet(f.Line(pos.Line))
			if r.SQL == "" {
				r.SQL = lit.Text
			}
			k := key{r.Schema, r.Table, r.Column, r.Usage, r.Certainty, r.Line, r.Col}
			if seen[k] {
				// A constant read at its declaration and again inside a
				// concatenation yields the same reference twice.
				continue
			}
			seen[k] = true
			out = append(out, r)
		}
	}
	e.skipped.Add(int64(len(skipped)))
	e.references.Add(int64(len(out)))
	return out, skipped, err
}

// snippet trims a source line to at most maxSnippet code points.
func snippet(line string) string {
	s := strings.TrimSpace(line)
	if utf8.RuneCountInString(s) <= maxSnippet {
		return s
	}
	n := 0
	for i := range s {
		if n == maxSnippet {
			return strings.TrimSpace(s[:i])
		}
		n++
	}
	return s
}
