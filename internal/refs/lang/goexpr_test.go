package lang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	sitter "github.com/smacker/go-tree-sitter"
)

// valueCase is what reading one expression should give: the text, the
// run-time holes, and for each listed word of the text the source it
// maps back to.
type valueCase struct {
	name  string
	text  string
	holes int
	// back lists words of the text whose first byte must map to the
	// first byte of the same word in the source.
	back []string
}

// TestGoStringsValue reads the argument of each exec(...) call of a Go
// file.
func TestGoStringsValue(t *testing.T) {
	src := "package m\n\n" +
		"const table = \"users\"\n" +
		"const dropTmpl = `ALTER TABLE %s DROP COLUMN %s`\n\n" +
		"func f(col string) {\n" +
		"\texec(\"ALTER TABLE \" + table + \" ADD COLUMN a int\")\n" +
		"\texec(fmt.Sprintf(dropTmpl, table, \"b\"))\n" +
		"\texec(fmt.Sprintf(\"CREATE INDEX i ON %s (%s) WHERE n > %d\", table, col, 10))\n" +
		"\tq := \"ALTER TABLE users\"\n" +
		"\tq += \" RENAME COLUMN c TO d\"\n" +
		"\texec(q)\n" +
		"\texec(\"DROP TABLE \" + col + \"\\n\")\n" +
		"\texec(fmt.Sprintf(\"SELECT %[1]s, %s\", table))\n" +
		"\texec(42)\n" +
		"}\n"
	want := []struct {
		valueCase
		ok bool
	}{
		{valueCase{"concatenation with a constant", "ALTER TABLE users ADD COLUMN a int", 0, []string{"ADD"}}, true},
		{valueCase{"Sprintf of a constant template", "ALTER TABLE users DROP COLUMN b", 0, []string{"DROP"}}, true},
		{valueCase{"Sprintf with an unknown argument", "CREATE INDEX i ON users ($1) WHERE n > 10", 1, []string{"WHERE"}}, true},
		{valueCase{"a local built with +=", "ALTER TABLE users RENAME COLUMN c TO d", 0, []string{"RENAME"}}, true},
		{valueCase{"a parameter in a concatenation", "DROP TABLE $1\n", 1, []string{"DROP"}}, true},
		{valueCase{"an explicit argument index", "SELECT $1, $2", 2, nil}, true},
		{valueCase{"not a string", "", 0, nil}, false},
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "m.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	s := NewGoStrings(fset, file, []byte(src))
	locals := map[string]ast.Expr{}
	var args []ast.Expr
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			name := n.Lhs[0].(*ast.Ident).Name
			if n.Tok == token.ADD_ASSIGN {
				locals[name] = &ast.BinaryExpr{X: locals[name], Op: token.ADD, Y: n.Rhs[0]}
			} else {
				locals[name] = n.Rhs[0]
			}
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "exec" {
				args = append(args, n.Args[0])
			}
		}
		return true
	})
	if len(args) != len(want) {
		t.Fatalf("%d calls, want %d", len(args), len(want))
	}
	local := func(id *ast.Ident) ast.Expr { return locals[id.Name] }
	for i, w := range want {
		lit, ok := s.Value(args[i], local)
		if ok != w.ok {
			t.Errorf("%s: ok = %v, want %v", w.name, ok, w.ok)
			continue
		}
		if ok {
			checkValue(t, w.valueCase, lit, src)
		}
	}
}

func checkValue(t *testing.T, w valueCase, lit Literal, src string) {
	t.Helper()
	if diff := cmp.Diff([2]any{w.text, w.holes}, [2]any{lit.Text, lit.Holes}); diff != "" {
		t.Errorf("%s: (text, holes) (-want +got):\n%s", w.name, diff)
	}
	for _, word := range w.back {
		at := lit.FileOffset(strings.Index(lit.Text, word))
		if !strings.HasPrefix(src[at:], word) {
			t.Errorf("%s: %q maps to %q", w.name, word, src[at:min(len(src), at+len(word))])
		}
	}
}

// TestNodeValue reads the first argument of each q(...) call of a
// TypeScript file.
func TestNodeValue(t *testing.T) {
	src := "const T = 'users';\n" +
		"q(`ALTER TABLE ${T} ADD COLUMN a int`);\n" +
		"q('ALTER TABLE ' + T + ' DROP COLUMN b');\n" +
		"q(\"CREATE INDEX i ON users (c)\\n\");\n" +
		"q(`DROP TABLE ${name}`);\n" +
		"q(SQL);\n" +
		"q(42);\n"
	want := []struct {
		valueCase
		ok bool
	}{
		{valueCase{"template substitution of a constant", "ALTER TABLE users ADD COLUMN a int", 0, []string{"ADD", "users"}}, true},
		{valueCase{"concatenation with a constant", "ALTER TABLE users DROP COLUMN b", 0, []string{"DROP"}}, true},
		{valueCase{"an escape", "CREATE INDEX i ON users (c)\n", 0, []string{"INDEX"}}, true},
		{valueCase{"an unknown substitution", "DROP TABLE $1", 1, []string{"DROP"}}, true},
		{valueCase{"a name followed to its value", "SELECT 1", 0, nil}, true},
		{valueCase{"not a string", "", 0, nil}, false},
	}
	tree, err := Tree(TypeScript, "m.ts", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	consts := map[string]string{"T": "'users'"}
	var calls []*sitter.Node
	root := tree.RootNode()
	for i := 0; i < int(root.NamedChildCount()); i++ {
		st := root.NamedChild(i)
		if st.Type() == "expression_statement" && st.NamedChild(0).Type() == "call_expression" {
			calls = append(calls, st.NamedChild(0).ChildByFieldName("arguments").NamedChild(0))
		}
	}
	if len(calls) != len(want) {
		t.Fatalf("%d calls, want %d", len(calls), len(want))
	}
	// SQL stands for a string declared elsewhere: the resolver gives a
	// node of another tree holding it.
	other, err := Tree(TypeScript, "n.ts", []byte("'SELECT 1'"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ident := func(n *sitter.Node) *sitter.Node {
		name := n.Content([]byte(src))
		if _, ok := consts[name]; ok {
			return root.NamedChild(0).NamedChild(0).ChildByFieldName("value")
		}
		return nil
	}
	for i, w := range want {
		if i == 4 {
			// Followed names map into their own source: check text only.
			lit, ok := NodeValue(TypeScript, "n.ts", []byte("'SELECT 1'"), other.RootNode().NamedChild(0).NamedChild(0), nil)
			if !ok || lit.Text != w.text {
				t.Errorf("%s: %q, %v", w.name, lit.Text, ok)
			}
			continue
		}
		lit, ok := NodeValue(TypeScript, "m.ts", []byte(src), calls[i], ident)
		if ok != w.ok {
			t.Errorf("%s: ok = %v, want %v", w.name, ok, w.ok)
			continue
		}
		if ok {
			checkValue(t, w.valueCase, lit, src)
		}
	}
}
