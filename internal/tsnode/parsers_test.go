package tsnode

import (
	"strings"
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

// A parse past its operation limit fails, and the kept parser that
// stopped part way starts the next parse afresh, without the limit.
func TestParseTreeLimit(t *testing.T) {
	py := python.GetLanguage()
	big := []byte(strings.Repeat("x = (1 + 2) * [3, 4]\n", 20000))
	if tree, err := ParseTree(py, big, 1); err == nil {
		tree.Close()
		t.Fatal("a 400 KB parse within 1 µs of operations: the limit was not applied")
	}
	tree, err := ParseTree(py, []byte("y = 1\n"), 0)
	if err != nil {
		t.Fatalf("the next parse: %v", err)
	}
	defer tree.Close()
	if got := tree.RootNode().String(); got != "(module (expression_statement (assignment left: (identifier) right: (integer))))" {
		t.Errorf("the next parse's tree is %s", got)
	}
}
