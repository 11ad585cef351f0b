package scan

import (
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
