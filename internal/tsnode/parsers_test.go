package tsnode

import (
	"sync"
	"testing"

	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/ruby"
)

// A parser given back is the next one given out for its grammar, never
// for another, and a burst of parses keeps at most maxIdle per grammar.
func TestParsersKeptPerGrammar(t *testing.T) {
	py, rb := python.GetLanguage(), ruby.GetLanguage()
	p := GetParser(py)
	PutParser(py, p)
	if q := GetParser(rb); q == p {
		t.Fatal("a Python parser was given out for Ruby")
	} else {
		PutParser(rb, q)
	}
	if q := GetParser(python.GetLanguage()); q != p {
		t.Error("the Python parser given back was not reused")
	} else {
		PutParser(py, q)
	}
	var wg sync.WaitGroup
	for range 3 * maxIdle {
		wg.Go(func() {
			root := Parse(py, []byte("x = 1\n"))
			if root.Type() != "module" || root.ChildCount() != 1 {
				t.Errorf("parse with a kept parser: %s with %d children", root.Type(), root.ChildCount())
			}
		})
	}
	wg.Wait()
	parsers.Lock()
	defer parsers.Unlock()
	for _, idle := range parsers.idle {
		if len(idle) > maxIdle {
			t.Errorf("%d idle parsers kept for a grammar, want at most %d", len(idle), maxIdle)
		}
	}
}
