package orm

import (
	"fmt"
	"iter"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
	"github.com/smacker/go-tree-sitter/ruby"

	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/tsnode"
)

// parseOperationLimit bounds one parse, in microseconds.
const parseOperationLimit = 60_000_000

// parseTree parses src. Tree-sitter recovers from syntax errors, so the
// tree always covers what parses; the caller must Close it. The limit is
// a safety net against pathological input, far above what any source
// file takes.
func parseTree(lang *sitter.Language, path string, src []byte) (*sitter.Tree, error) {
	t, err := tsnode.ParseTree(lang, src, parseOperationLimit)
	if err != nil {
		return nil, fmt.Errorf("%s: parse: %w", path, err)
	}
	return t, nil
}

func parseRuby(path string, src []byte) (*sitter.Tree, error) {
	return parseTree(ruby.GetLanguage(), path, src)
}

// parsePython parses Python source. When the file has syntax errors,
// tree-sitter's recovery can swallow every definition after the error
// into one ERROR node; so each top-level statement that does not parse
// on its own is blanked out (byte offsets kept) and the rest is parsed
// again. Node offsets stay valid for the original src.
func parsePython(path string, src []byte) (*sitter.Tree, error) {
	lang := python.GetLanguage()
	t, err := parseTree(lang, path, src)
	if err != nil || !t.RootNode().HasError() {
		return t, err
	}
	blanked := append([]byte(nil), src...)
	changed := false
	for _, c := range pythonChunks(src) {
		ct, err := parseTree(lang, path, src[c[0]:c[1]])
		if err != nil {
			continue
		}
		if ct.RootNode().HasError() {
			for i := c[0]; i < c[1]; i++ {
				if blanked[i] != '\n' {
					blanked[i] = ' '
				}
			}
			changed = true
		}
		ct.Close()
	}
	if !changed {
		return t, nil
	}
	t2, err := parseTree(lang, path, blanked)
	if err == nil {
		t.Close()
		return t2, nil
	}
	// The blanked source did not parse: the first tree, errors and all,
	// still covers what parsed.
	return t, nil
}

// pythonChunks splits Python source into top-level statements: a chunk
// starts at an unindented line, unless that line continues the previous
// statement (else/elif/except/finally, a closing bracket, or the
// definition a decorator line introduced).
func pythonChunks(src []byte) [][2]int {
	var chunks [][2]int
	start := 0
	prevDecorator := false
	for off := 0; off < len(src); {
		end := off
		for end < len(src) && src[end] != '\n' {
			end++
		}
		line := string(src[off:end])
		if off > 0 && line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '\r' {
			cont := prevDecorator
			for _, kw := range []string{"else", "elif", "except", "finally", ")", "]", "}"} {
				if strings.HasPrefix(line, kw) {
					cont = true
				}
			}
			if !cont {
				chunks = append(chunks, [2]int{start, off})
				start = off
			}
		}
		if line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' {
			prevDecorator = line[0] == '@'
		}
		off = end + 1
	}
	if start < len(src) {
		chunks = append(chunks, [2]int{start, len(src)})
	}
	return chunks
}

// matches runs query q over root with qc and yields each match.
func matches(qc *sitter.QueryCursor, q *sitter.Query, root *sitter.Node) iter.Seq[*sitter.QueryMatch] {
	return func(yield func(*sitter.QueryMatch) bool) {
		qc.Exec(q, root)
		for {
			m, ok := qc.NextMatch()
			if !ok || !yield(m) {
				return
			}
		}
	}
}

// children returns the direct children of n.
func children(n *sitter.Node) []*sitter.Node {
	if n == nil {
		return nil
	}
	out := make([]*sitter.Node, 0, n.ChildCount())
	for i := 0; i < int(n.ChildCount()); i++ {
		out = append(out, n.Child(i))
	}
	return out
}

// namedChildren returns the named direct children of n, skipping comments.
func namedChildren(n *sitter.Node) []*sitter.Node {
	if n == nil {
		return nil
	}
	out := make([]*sitter.Node, 0, n.NamedChildCount())
	for i := 0; i < int(n.NamedChildCount()); i++ {
		c := n.NamedChild(i)
		if c.Type() == "comment" {
			continue
		}
		out = append(out, c)
	}
	return out
}

func text(n *sitter.Node, src []byte) string {
	if n == nil {
		return ""
	}
	return n.Content(src)
}

// rubyConstPath returns "A::B::C" for a constant or scope_resolution
// node (a leading "::" is dropped), or "" for anything else.
func rubyConstPath(n *sitter.Node, src []byte) string {
	if n == nil {
		return ""
	}
	switch n.Type() {
	case "constant":
		return text(n, src)
	case "scope_resolution":
		name := rubyConstPath(n.ChildByFieldName("name"), src)
		if name == "" {
			return ""
		}
		scope := n.ChildByFieldName("scope")
		if scope == nil {
			return name
		}
		s := rubyConstPath(scope, src)
		if s == "" {
			return ""
		}
		return s + "::" + name
	}
	return ""
}

// rubyLiteral returns the value of a plain string or symbol literal
// ("a", 'a', :a, :"a", a bare %w/%i word); ok is false for anything
// else, including interpolated strings.
func rubyLiteral(n *sitter.Node, src []byte) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "simple_symbol":
		return strings.TrimPrefix(text(n, src), ":"), true
	case "string", "delimited_symbol", "bare_string", "bare_symbol":
		return stringContent(n, src, lang.RubyEscape)
	}
	return "", false
}

// stringContent joins the string_content children of a string node and
// its escape_sequence children decoded by unescape (nil: left out); ok
// is false for a string with an interpolation.
func stringContent(n *sitter.Node, src []byte, unescape func(string) string) (string, bool) {
	var b strings.Builder
	for _, c := range children(n) {
		switch c.Type() {
		case "string_content":
			b.WriteString(text(c, src))
		case "escape_sequence":
			if unescape != nil {
				b.WriteString(unescape(text(c, src)))
			}
		case "interpolation":
			return "", false
		}
	}
	return b.String(), true
}

// pyString returns the value of a plain Python string literal (no
// f-string interpolation); implicit concatenation is joined.
func pyString(n *sitter.Node, src []byte) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Type() {
	case "concatenated_string":
		var b strings.Builder
		for _, c := range namedChildren(n) {
			s, ok := pyString(c, src)
			if !ok {
				return "", false
			}
			b.WriteString(s)
		}
		return b.String(), true
	case "string":
		// Python's escapes sit inside string_content, taken as written.
		return stringContent(n, src, nil)
	}
	return "", false
}
