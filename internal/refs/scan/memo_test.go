package scan

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

type countingExtractor struct{ calls atomic.Int32 }

func (c *countingExtractor) Name() string           { return "counting" }
func (c *countingExtractor) Match(path string) bool { return true }
func (c *countingExtractor) Extract(path string, src []byte) ([]refs.Reference, error) {
	c.calls.Add(1)
	return []refs.Reference{{Table: string(src), File: path, Line: 1, Usage: refs.Select, Certainty: refs.Resolved}}, nil
}

// Indexing two releases that share files extracts each shared file once,
// and the indexes are what they would be without the memo.
func TestMemoSharesUnchangedFiles(t *testing.T) {
	prev := fstest.MapFS{"a.txt": {Data: []byte("users")}, "b.txt": {Data: []byte("orders")}}
	next := fstest.MapFS{"a.txt": {Data: []byte("users")}, "b.txt": {Data: []byte("invoices")}}
	ex := &countingExtractor{}
	memo := NewMemo()
	opt := Options{Extractors: []refs.Extractor{ex}, NoDefaultExcludes: true, Memo: memo}
	first, _, err := Build(prev, opt)
	if err != nil {
		t.Fatal(err)
	}
	second, _, err := Build(next, opt)
	if err != nil {
		t.Fatal(err)
	}
	if n := ex.calls.Load(); n != 3 {
		t.Errorf("extracted %d files, want 3 (a.txt once)", n)
	}
	plain, _, _ := Build(next, Options{Extractors: []refs.Extractor{&countingExtractor{}}, NoDefaultExcludes: true})
	if diff := cmp.Diff(plain.Refs, second.Refs); diff != "" {
		t.Errorf("memo changed the index (-without +with):\n%s", diff)
	}
	if len(first.Refs) != 2 {
		t.Errorf("first index has %d refs", len(first.Refs))
	}
}

// Two builds at once (check indexes its releases in parallel) still
// extract each shared file once.
func TestMemoSharesFilesBetweenConcurrentBuilds(t *testing.T) {
	prev := fstest.MapFS{}
	next := fstest.MapFS{}
	for i := range 50 {
		name := fmt.Sprintf("f%02d.txt", i)
		prev[name] = &fstest.MapFile{Data: []byte(name)}
		next[name] = &fstest.MapFile{Data: []byte(name)}
	}
	next["new.txt"] = &fstest.MapFile{Data: []byte("invoices")}
	ex := &countingExtractor{}
	opt := Options{Extractors: []refs.Extractor{ex}, NoDefaultExcludes: true, Memo: NewMemo()}
	var wg sync.WaitGroup
	idx := make([]*refs.Index, 2)
	for i, fsys := range []fstest.MapFS{prev, next} {
		wg.Go(func() {
			var err error
			if idx[i], _, err = Build(fsys, opt); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := ex.calls.Load(); n != 51 {
		t.Errorf("extracted %d files, want 51 (each shared file once)", n)
	}
	plain, _, _ := Build(next, Options{Extractors: []refs.Extractor{&countingExtractor{}}, NoDefaultExcludes: true})
	if diff := cmp.Diff(plain.Refs, idx[1].Refs); diff != "" {
		t.Errorf("memo changed the index (-without +with):\n%s", diff)
	}
}
