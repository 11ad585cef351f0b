package lang

import (
	"path/filepath"
	"sort"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/java"
	"github.com/smacker/go-tree-sitter/javascript"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/ruby"
	"github.com/smacker/go-tree-sitter/typescript/tsx"
	"github.com/smacker/go-tree-sitter/typescript/typescript"

	"github.com/schemagate/schemagate/internal/tsnode"
)

// grammar is how one tree-sitter language spells strings.
type grammar struct {
	name string
	lang func() *sitter.Language
	// content holds the node types that cover a string's text (the
	// smallest named node around a keyword inside a string).
	content map[string]bool
	// strings holds the string node types decode understands.
	strings map[string]bool
	// chain reports whether node n (of type typ) joins strings into one
	// value: "+" of operands, adjacent literals, parentheses.
	chain func(n *sitter.Node, typ string) bool
	// operands lists the parts of a chain node.
	operands func(n *sitter.Node, typ string) []*sitter.Node
	// decode appends the value of string node n; false skips the whole
	// literal (a bytes literal, say).
	decode func(f *tsFile, b *builder, n *sitter.Node, typ string) bool
	// template rewrites the value when the literal is a format template
	// (Python % and str.format, Java String.format); may be nil.
	template func(f *tsFile, b *builder, root *sitter.Node) *builder
	// notSQL reports a literal that holds another query language (JPQL
	// in a JPA @Query); may be nil.
	notSQL func(f *tsFile, root *sitter.Node) bool
}

var (
	rubyGrammar = &grammar{
		name:     "ruby",
		lang:     ruby.GetLanguage,
		content:  set("string_content", "heredoc_content"),
		strings:  set("string", "heredoc_body"),
		chain:    rubyChain,
		operands: binaryOrNamedOperands,
		decode:   rubyDecode,
	}
	pythonGrammar = &grammar{
		name:     "python",
		lang:     python.GetLanguage,
		content:  set("string_content"),
		strings:  set("string"),
		chain:    pythonChain,
		operands: binaryOrNamedOperands,
		decode:   pythonDecode,
		template: pythonTemplate,
	}
	jsGrammar   = jsLike("javascript", javascript.GetLanguage)
	tsGrammar   = jsLike("typescript", typescript.GetLanguage)
	tsxGrammar  = jsLike("tsx", tsx.GetLanguage)
	javaGrammar = &grammar{
		name:     "java",
		lang:     java.GetLanguage,
		content:  set("string_fragment", "multiline_string_fragment"),
		strings:  set("string_literal"),
		chain:    cLikeChain,
		operands: binaryOrNamedOperands,
		decode:   javaDecode,
		template: javaTemplate,
		notSQL:   jpqlAnnotation,
	}
)

func jsLike(name string, lang func() *sitter.Language) *grammar {
	return &grammar{
		name:     name,
		lang:     lang,
		content:  set("string_fragment"),
		strings:  set("string", "template_string"),
		chain:    cLikeChain,
		operands: binaryOrNamedOperands,
		decode:   jsDecode,
	}
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// grammarFor picks the grammar of a file: TypeScript files with JSX use
// the tsx grammar.
func grammarFor(lang Language, path string) *grammar {
	switch lang {
	case Ruby:
		return rubyGrammar
	case Python:
		return pythonGrammar
	case JavaScript:
		return jsGrammar
	case TypeScript:
		if strings.EqualFold(filepath.Ext(path), ".tsx") {
			return tsxGrammar
		}
		return tsGrammar
	case Java:
		return javaGrammar
	}
	return nil
}

// parseTimeout bounds one parse, in microseconds.
const parseTimeout = 60_000_000

// tsFile is one file being read.
type tsFile struct {
	src   []byte
	lines []int // byte offset of each line start, built on first use
	// ident, when set, gives the expression a name stands for (a
	// constant), or nil; depth bounds how many it follows.
	ident func(*sitter.Node) *sitter.Node
	depth int
	g     *grammar // the file's grammar, when names are followed
}

func (f *tsFile) point(off int) sitter.Point {
	if f.lines == nil {
		f.lines = append(f.lines, 0)
		for i, c := range f.src {
			if c == '\n' {
				f.lines = append(f.lines, i+1)
			}
		}
	}
	row := sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
	return sitter.Point{Row: uint32(row), Column: uint32(off - f.lines[row])}
}

func (f *tsFile) text(n *sitter.Node) []byte {
	return f.src[n.StartByte():n.EndByte()]
}

// tsLiterals parses src with g and builds the literal around every SQL
// keyword hit (see sqlHits). Only the nodes around hits are visited: walking a whole
// tree through cgo costs more than parsing it.
func tsLiterals(g *grammar, src []byte, hits []int) ([]Literal, error) {
	tree, err := g.parse(src)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	root := tree.RootNode()
	f := &tsFile{src: src}
	seen := map[uint32]bool{}
	var lits []Literal
	for _, h := range hits {
		n := root.NamedDescendantForPointRange(f.point(h), f.point(h+6))
		if n == nil || n.IsError() || n.IsMissing() {
			continue
		}
		typ := n.Type()
		if g.content[typ] {
			n = n.Parent()
			if n == nil {
				continue
			}
			typ = n.Type()
		}
		if !g.strings[typ] || n.HasError() {
			continue
		}
		top := n
		for {
			p := top.Parent()
			if p == nil || !g.chain(p, p.Type()) || p.HasError() {
				break
			}
			top = p
		}
		if seen[top.StartByte()] {
			continue
		}
		seen[top.StartByte()] = true
		if g.notSQL != nil && g.notSQL(f, top) {
			continue
		}
		b := &builder{}
		if !g.flatten(f, b, top) {
			continue
		}
		if g.template != nil {
			b = g.template(f, b, top)
		}
		lit := b.finish()
		if MaybeSQL(lit.Text) {
			lits = append(lits, lit)
		}
	}
	return lits, nil
}

// flatten appends the value of n: a string's text, a chain's operands in
// order, anything else a placeholder.
func (g *grammar) flatten(f *tsFile, b *builder, n *sitter.Node) bool {
	typ := n.Type()
	switch {
	case g.strings[typ]:
		return g.decode(f, b, n, typ)
	case g.chain(n, typ):
		for _, o := range g.operands(n, typ) {
			if !g.flatten(f, b, o) {
				return false
			}
		}
		return true
	}
	if v := f.follow(n); v != nil && (g.strings[v.Type()] || g.chain(v, v.Type())) {
		f.depth++
		defer func() { f.depth-- }()
		return g.flatten(f, b, v)
	}
	b.hole(int(n.StartByte()))
	return true
}

// substitute appends the value of an interpolation that is a name
// standing for a string (a JavaScript template's ${TABLE} where TABLE is
// a constant), when names are followed; false leaves it a placeholder.
func (f *tsFile) substitute(b *builder, k *sitter.Node) bool {
	if f.ident == nil || k.Type() != "template_substitution" || k.NamedChildCount() != 1 {
		return false
	}
	v := f.follow(k.NamedChild(0))
	if v == nil || !f.g.strings[v.Type()] && !f.g.chain(v, v.Type()) {
		return false
	}
	inner := &builder{}
	f.depth++
	ok := f.g.flatten(f, inner, v)
	f.depth--
	if ok {
		b.appendBuilder(inner)
	}
	return ok
}

// follow returns the expression name n stands for, or nil.
func (f *tsFile) follow(n *sitter.Node) *sitter.Node {
	if f.ident == nil || f.depth >= maxDepth {
		return nil
	}
	return f.ident(n)
}

// Tree parses src, a file in lang (not Go), with tree-sitter. The caller
// closes the tree.
func Tree(lang Language, path string, src []byte) (*sitter.Tree, error) {
	g := grammarFor(lang, path)
	if g == nil {
		return nil, &unknownLanguageError{lang}
	}
	return g.parse(src)
}

// parse parses src with the grammar; the caller closes the tree. The
// limit is a safety net against pathological input, far above what any
// source file takes (about 2 MB/s).
func (g *grammar) parse(src []byte) (*sitter.Tree, error) {
	return tsnode.ParseTree(g.lang(), src, parseTimeout)
}

// NodeValue returns the string value of expression n of src, a file in
// lang parsed by Tree, for a caller that knows which expressions carry
// SQL: a string or template literal, a "+" chain, parentheses. Other
// operands of a chain (and template substitutions) are placeholders,
// counted in Literal.Holes, unless ident (when not nil) gives the string
// expression a name stands for. ok is false when n is not a string
// expression.
func NodeValue(lang Language, path string, src []byte, n *sitter.Node, ident func(*sitter.Node) *sitter.Node) (lit Literal, ok bool) {
	g := grammarFor(lang, path)
	if g == nil || n == nil {
		return Literal{}, false
	}
	f := &tsFile{src: src, ident: ident, g: g}
	for n != nil && !g.strings[n.Type()] && !g.chain(n, n.Type()) {
		n = f.follow(n)
		f.depth++
	}
	if n == nil || n.HasError() {
		return Literal{}, false
	}
	f.depth = 0
	b := &builder{}
	if !g.flatten(f, b, n) {
		return Literal{}, false
	}
	lit = b.finish()
	if len(lit.Map) == 0 {
		lit.Offset = int(n.StartByte())
	}
	return lit, true
}

// binaryOp returns the operator of a binary node ("" if it has none).
func binaryOp(n *sitter.Node) string {
	if n.ChildCount() != 3 {
		return ""
	}
	return n.Child(1).Type()
}

func binaryOrNamedOperands(n *sitter.Node, typ string) []*sitter.Node {
	if strings.HasPrefix(typ, "binary") {
		return []*sitter.Node{n.Child(0), n.Child(2)}
	}
	var out []*sitter.Node
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if c.Type() != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// parenthesised reports a parenthesised expression that holds exactly
// one expression (and maybe comments).
func parenthesised(n *sitter.Node) bool {
	count := 0
	for i := 0; i < int(n.NamedChildCount()); i++ {
		if n.NamedChild(i).Type() != "comment" {
			count++
		}
	}
	return count == 1
}

// chainTypes are a grammar's node types that join strings: adjacent
// literals ("" where the language has none), a binary operator (joining
// with "+") and parentheses (around one string).
type chainTypes struct{ adjacent, binary, paren string }

var (
	rubyChain   = chainTypes{adjacent: "chained_string", binary: "binary", paren: "parenthesized_statements"}.joins
	pythonChain = chainTypes{adjacent: "concatenated_string", binary: "binary_operator", paren: "parenthesized_expression"}.joins
	cLikeChain  = chainTypes{binary: "binary_expression", paren: "parenthesized_expression"}.joins
)

// joins is grammar.chain.
func (c chainTypes) joins(n *sitter.Node, typ string) bool {
	switch {
	case typ == "":
		return false
	case typ == c.adjacent:
		return true
	case typ == c.binary:
		return binaryOp(n) == "+"
	case typ == c.paren:
		return parenthesised(n)
	}
	return false
}

// children returns the direct children of n.
func children(n *sitter.Node) []*sitter.Node {
	c := make([]*sitter.Node, n.ChildCount())
	for i := range c {
		c[i] = n.Child(i)
	}
	return c
}

// delimited splits a string literal into its children, the first and
// last of which are its opening and closing delimiters (anonymous
// nodes); ok is false for a node not shaped so.
func delimited(n *sitter.Node) (kids []*sitter.Node, open, close *sitter.Node, ok bool) {
	kids = children(n)
	if len(kids) < 2 {
		return nil, nil, nil, false
	}
	open, close = kids[0], kids[len(kids)-1]
	if open.IsNamed() || close.IsNamed() {
		return nil, nil, nil, false
	}
	return kids, open, close, true
}

// decodeParts decodes content src[start:end] of a string whose
// interpolation nodes (types in holes) become placeholders.
func decodeParts(f *tsFile, b *builder, kids []*sitter.Node, start, end int, holes map[string]bool, st *textState) {
	pos := start
	for _, k := range kids {
		ks, ke := int(k.StartByte()), int(k.EndByte())
		if ks < pos || ke > end || !holes[k.Type()] {
			continue
		}
		decodeRange(b, f.src, pos, ks, st)
		if !f.substitute(b, k) {
			b.hole(ks)
		}
		st.lineStart = false
		pos = ke
	}
	decodeRange(b, f.src, pos, end, st)
}
