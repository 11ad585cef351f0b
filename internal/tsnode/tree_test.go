package tsnode

import (
	"context"
	"slices"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/ruby"
)

// The copy must say what go-tree-sitter says of every node: type,
// range, flags, start row, children and the child of every field; with
// options, of the nodes they keep.
func TestCopyAgreesWithTreeSitter(t *testing.T) {
	const rubySrc = "# top\nclass A < ActiveRecord::Migration[7.1]\n  def change # c\n    add_column :users, :n, :string, null: true # c\n    execute <<~SQL\n      SELECT 1\n    SQL\n  end\nend\n"
	cases := []struct {
		name string
		lang *sitter.Language
		src  string
		opts Options
		// cutErrors is set where some node at opts.MaxDepth must have
		// an error among the children the copy left out.
		cutErrors bool
	}{
		{"python", python.GetLanguage(), `from django.db import migrations, models  # comment


class Migration(migrations.Migration):
    """doc"""
    dependencies = [("shop", "0001_initial")]
    operations = [
        migrations.AddField(model_name="order", name="f", field=models.IntegerField(null=True)),
        migrations.RunSQL("SELECT 1" + " + 1" "x" f"{a!r:>3}", reverse_sql=b'\x00'),
    ]
    if x: y = lambda a, *b, **c: a[1:2]
`, Options{}, false},
		{"python with errors", python.GetLanguage(), "def f(:\n    return (1 +\nclass\n", Options{}, false},
		{"deep chain", python.GetLanguage(), "x = 1" + strings.Repeat(" + 1", 2000) + "\n", Options{}, false},
		{"ruby", ruby.GetLanguage(), rubySrc, Options{}, false},
		{"ruby without comments", ruby.GetLanguage(), rubySrc, Options{NoComments: true}, false},
		{"python without comments", python.GetLanguage(), "# a\nx = (  # b\n  1)  # c\nif x:  # d\n    y = [1, # e\n    2]\n", Options{NoComments: true}, false},
		{"deep chain cut", ruby.GetLanguage(), "x = 1" + strings.Repeat(" + 1", 2000) + "\n", Options{MaxDepth: 50}, false},
		{"error below the cut", ruby.GetLanguage(), "x = f(" + strings.Repeat("[", 30) + "1 +" + strings.Repeat("]", 30) + ") # c\n", Options{MaxDepth: 20, NoComments: true}, true},
	}
	for _, c := range cases {
		p := sitter.NewParser()
		p.SetLanguage(c.lang)
		tree, err := p.ParseCtx(context.Background(), nil, []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		var fieldNames []string
		for i := 1; c.lang.FieldName(i) != ""; i++ {
			fieldNames = append(fieldNames, c.lang.FieldName(i))
		}
		// kept is what the copy keeps of want's children.
		kept := func(want *sitter.Node, depth int) []*sitter.Node {
			var out []*sitter.Node
			if c.opts.MaxDepth > 0 && depth >= c.opts.MaxDepth {
				return nil
			}
			for i := range int(want.ChildCount()) {
				if k := want.Child(i); !c.opts.NoComments || k.Type() != "comment" {
					out = append(out, k)
				}
			}
			return out
		}
		count, left, cutErrors := 0, 0, 0
		var compare func(want *sitter.Node, got *Node, depth int)
		compare = func(want *sitter.Node, got *Node, depth int) {
			count++
			kids := kept(want, depth)
			named := 0
			for _, k := range kids {
				if k.IsNamed() {
					named++
				}
			}
			if want.Type() != got.Type() || want.StartByte() != got.StartByte() || want.EndByte() != got.EndByte() ||
				want.IsNamed() != got.IsNamed() || want.IsMissing() != got.IsMissing() || want.IsError() != got.IsError() ||
				want.HasError() != got.HasError() || want.StartPoint().Row != got.StartPoint().Row ||
				len(kids) != int(got.ChildCount()) || named != int(got.NamedChildCount()) {
				t.Fatalf("%s: node %s [%d,%d) copied as %s [%d,%d) named=%v missing=%v error=%v/%v row=%d kids=%d",
					c.name, want.Type(), want.StartByte(), want.EndByte(), got.Type(), got.StartByte(), got.EndByte(),
					got.IsNamed(), got.IsMissing(), got.IsError(), got.HasError(), got.StartPoint().Row, got.ChildCount())
			}
			if len(kids) < int(want.ChildCount()) {
				left += int(want.ChildCount()) - len(kids)
				if len(kids) == 0 && want.HasError() && !want.IsError() {
					cutErrors++
				}
			}
			// go-tree-sitter's Parent searches down from the root and can
			// pick another node around a zero-width one of error recovery.
			if wp, gp := want.Parent(), got.Parent(); !tree.RootNode().HasError() && ((wp == nil) != (gp == nil) || wp != nil && (wp.StartByte() != gp.StartByte() || wp.Type() != gp.Type())) {
				t.Fatalf("%s: parent of %s at %d differs", c.name, want.Type(), want.StartByte())
			}
			for _, f := range fieldNames {
				w, g := want.ChildByFieldName(f), got.ChildByFieldName(f)
				if w != nil && !slices.ContainsFunc(kids, func(k *sitter.Node) bool { return k.Equal(w) }) {
					w = nil // left out
				}
				if (w == nil) != (g == nil) || w != nil && (w.StartByte() != g.StartByte() || w.EndByte() != g.EndByte() || w.Type() != g.Type()) {
					t.Fatalf("%s: field %q of %s at %d differs", c.name, f, want.Type(), want.StartByte())
				}
			}
			for i, k := range kids {
				compare(k, got.Child(i), depth+1)
			}
			if named > 0 {
				var w *sitter.Node
				for _, k := range kids {
					if k.IsNamed() {
						w = k
					}
				}
				if g := got.NamedChild(named - 1); w.StartByte() != g.StartByte() || w.Type() != g.Type() {
					t.Fatalf("%s: last named child of %s differs", c.name, want.Type())
				}
			}
		}
		got := ParseWith(c.lang, []byte(c.src), c.opts)
		compare(tree.RootNode(), got, 0)
		if count < 10 {
			t.Errorf("%s: only %d nodes compared", c.name, count)
		}
		if c.opts != (Options{}) != (left > 0) {
			t.Errorf("%s: %d nodes left out, with options %+v", c.name, left, c.opts)
		}
		if c.cutErrors != (cutErrors > 0) {
			t.Errorf("%s: %d nodes at the cut with errors below, want some: %v", c.name, cutErrors, c.cutErrors)
		}
		tree.Close()
		p.Close()
	}
}

// Each grammar's GetLanguage returns a new Go value on every call: the
// table of a grammar's symbols is kept once per grammar, not once per
// parse (it was, and a long-running language server grew with every
// file it parsed).
func TestLanguageTableKeptOncePerGrammar(t *testing.T) {
	for range 50 {
		Parse(python.GetLanguage(), []byte("x = 1\n"))
		Parse(ruby.GetLanguage(), []byte("x = 1\n"))
	}
	n := 0
	languages.Range(func(key, value any) bool {
		if l := value.(*language).lang; l != nil {
			n++
		}
		return true
	})
	if n > 2 {
		t.Errorf("%d symbol tables kept after 100 parses of two grammars, want at most 2", n)
	}
}

// OnlyNamed skips comments: `( # noqa\n x )` holds one expression.
func TestOnlyNamed(t *testing.T) {
	src := "a = (  # noqa: E731\n    f(x)\n)\nb = (x, y)\n"
	root := Parse(python.GetLanguage(), []byte(src))
	var got []string
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Type() == "parenthesized_expression" || n.Type() == "tuple" {
			if c := OnlyNamed(n); c != nil {
				got = append(got, n.Type()+": "+Text(c, src))
			} else {
				got = append(got, n.Type()+": none")
			}
		}
		for _, c := range Children(n) {
			walk(c)
		}
	}
	walk(root)
	want := "parenthesized_expression: f(x)|tuple: none"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}
