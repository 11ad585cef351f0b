package django

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/tsnode"
)

// plainString reads literals from their text; it must agree with the
// decoding from tree-sitter's nodes on every literal it takes.
func TestPlainStringAgrees(t *testing.T) {
	src := `a = 'x'
b = "SELECT 1"
c = ''
d = """"""
e = '''it's "quoted"
on two lines'''
f = b'bytes'
g = rb"raw"
h = R'raw'
i = u'unicode é'
j = "a{{b}}"
k = 'sql %s' % x
l = Br"""x"""
m = ('implicit' "concat")
n = f'{1}'
o = 'esc\n'
p = 'unterminated
`
	mod := parsePython([]byte(src))
	type got struct {
		Kind             kind
		S                string
		Verbatim         bool
		ValStart, ValEnd int
	}
	plain := 0
	var walk func(n *tsnode.Node)
	walk = func(n *tsnode.Node) {
		if n.Type() == "string" {
			fast, slow := &value{}, &value{}
			if mod.plainString(n, fast) {
				plain++
				mod.parsedString(n, slow)
				g := func(v *value) got { return got{v.kind, v.s, v.verbatim, v.valStart, v.valEnd} }
				if diff := cmp.Diff(g(slow), g(fast)); diff != "" {
					t.Errorf("%s (-nodes +text):\n%s", mod.text(n), diff)
				}
			}
		}
		for _, k := range tsnode.Children(n) {
			walk(k)
		}
	}
	walk(mod.root)
	if plain != 14 {
		t.Errorf("%d literals read from their text, want 14", plain)
	}
}
