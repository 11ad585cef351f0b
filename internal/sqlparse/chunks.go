package sqlparse

import (
	"runtime"
	"sync"

	"github.com/schemagate/schemagate/internal/source"
)

// ChunkSize is about how many bytes of statements ParseChunks gives
// PostgreSQL's parser at once. A region shorter than two chunks is
// parsed whole.
const ChunkSize = 32 << 10

// Chunks cuts text[start:end] into ranges of whole statements of about
// size bytes each: every range but the last ends just after a top-level
// semicolon (see Semicolons), so each parses to the statements, with the
// same spans, that parsing the whole region gives. A region shorter than
// two chunks, or one that ends inside a quote or comment, is one range.
func Chunks(text []byte, start, end, size int) [][2]int {
	if end-start < 2*size {
		return [][2]int{{start, end}}
	}
	semis, ok := Semicolons(string(text[start:end]))
	if !ok {
		return [][2]int{{start, end}}
	}
	var out [][2]int
	from := start
	for _, s := range semis {
		if cut := start + s + 1; cut-from >= size && end-cut >= size/2 {
			out = append(out, [2]int{from, cut})
			from = cut
		}
	}
	return append(out, [2]int{from, end})
}

// ParseChunks parses f.Text[start:end] in chunks of whole statements
// (see Chunks) on up to GOMAXPROCS goroutines, so that one long file uses
// every core and only a few chunks' parse trees are alive at once. Each
// chunk's Result goes to use on the goroutine that parsed it, with
// positions relative to the file as ParseRegion gives them; what use
// returns comes back in the chunks' order. ok is false, and nothing is
// returned, when a chunk has a syntax error or use panics: the caller then
// parses the region as one with ParseRegion, which reports errors as it
// always has.
func ParseChunks[T any](f *source.File, start, end int, use func(Result) T) (out []T, ok bool) {
	chunks := Chunks(f.Text, start, end, ChunkSize)
	out = make([]T, len(chunks))
	failed := make([]bool, len(chunks))
	work := func(i int) {
		defer func() {
			if recover() != nil {
				failed[i] = true
			}
		}()
		res := ParseRegion(f, chunks[i][0], chunks[i][1])
		if len(res.Errors) > 0 {
			failed[i] = true
			return
		}
		out[i] = use(res)
	}
	workers := min(runtime.GOMAXPROCS(0), len(chunks))
	if workers <= 1 {
		for i := range chunks {
			if work(i); failed[i] {
				return nil, false
			}
		}
		return out, true
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next, stop := 0, false
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				done := stop || i >= len(chunks)
				mu.Unlock()
				if done {
					return
				}
				if work(i); failed[i] {
					mu.Lock()
					stop = true
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, bad := range failed {
		if bad {
			return nil, false
		}
	}
	return out, true
}
