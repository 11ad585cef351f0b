package sqlparse

import (
	"github.com/schemagate/schemagate/internal/source"
)

// Batches of ParseMany: a cgo call into PostgreSQL's parser costs about
// as much as parsing a short statement, but one call over a long text
// costs more per statement than short calls do (about twice at 20,000
// ALTER TABLEs, its memory grows with the text), so short statements
// go a few at a time.
const (
	manyCount = 16
	manyBytes = 2 << 10
)

// ParseQueued empties *queue: it parses each entry's SQL text as a file
// at path (ParseMany, a few to a parser call) and hands the entry, its
// file and its parse to each, in queue order. The translators queue the
// SQL their calls send and flush it through here; the queue's array is
// kept for the next batch.
func ParseQueued[E any](queue *[]E, path string, text func(E) string, each func(E, *source.File, Result)) {
	q := *queue
	if len(q) == 0 {
		return
	}
	*queue = nil
	// The array is kept for the next batch, after whatever each queued
	// meanwhile.
	defer func() { clear(q); *queue = append(q[:0], *queue...) }()
	files := make([]*source.File, len(q))
	for i, e := range q {
		files[i] = source.NewFile(path, []byte(text(e)))
	}
	for i, res := range ParseMany(files) {
		each(q[i], files[i], res)
	}
}

// ParseMany parses several short texts, each a file of its own (the SQL
// a translator writes for one call), and returns what Parse returns for
// each. Texts are joined a few at a time for one parser call; a batch
// with an error, or a statement that does not fall inside one text, is
// parsed text by text instead. Node locations of a batch count from the
// start of the batch; Base makes Base+location the offset in the text,
// as with Parse.
func ParseMany(files []*source.File) []Result {
	out := make([]Result, len(files))
	for i := 0; i < len(files); {
		j, size := i, 0
		for j < len(files) && j-i < manyCount && (j == i || size+len(files[j].Text) <= manyBytes) {
			size += len(files[j].Text) + 2
			j++
		}
		if j-i == 1 {
			out[i] = Parse(files[i])
		} else {
			parseBatch(files[i:j], out[i:j], size)
		}
		i = j
	}
	return out
}

// parseBatch parses files joined by ";\n" and fills out, which has a
// result for each file.
func parseBatch(files []*source.File, out []Result, size int) {
	joined := make([]byte, 0, size)
	starts := make([]int, len(files)+1)
	for i, f := range files {
		starts[i] = len(joined)
		joined = append(joined, f.Text...)
		// A trailing -- comment would hide the semicolon: the statement
		// then runs into the next text, and the check below falls back.
		joined = append(joined, ";\n"...)
	}
	starts[len(files)] = len(joined)
	res := Parse(source.NewFile("", joined))
	ok := len(res.Errors) == 0
	k := 0
	for j := range res.Statements {
		st := res.Statements[j]
		for k < len(files) && st.Span.Start.Offset >= starts[k+1] {
			k++
		}
		if k == len(files) || st.Span.End.Offset > starts[k]+len(files[k].Text) {
			ok = false
			break
		}
		// Where the statement is when its text is parsed alone.
		st.Span = files[k].Span(st.Span.Start.Offset-starts[k], st.Span.End.Offset-starts[k])
		st.Base -= starts[k]
		// A text's statements are consecutive in the batch's: its slice
		// is a piece of that one, not one of its own for each.
		res.Statements[j] = st
		n := len(out[k].Statements)
		out[k].Statements = res.Statements[j-n : j+1 : j+1]
	}
	for i := range out {
		// A text without a statement may be only a comment, which hides
		// the semicolon after it: it is parsed alone, as are all when
		// the batch had an error.
		if !ok || len(out[i].Statements) == 0 {
			out[i] = Parse(files[i])
		}
	}
}
