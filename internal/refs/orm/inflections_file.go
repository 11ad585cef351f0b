package orm

import (
	"fmt"
	"regexp"
	"strings"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/inflect"
	"github.com/schemagate/schemagate/internal/rubyre"
	"github.com/schemagate/schemagate/internal/source"
)

// ParseInflections reads a Rails inflections initializer
// (config/initializers/inflections.rb) and returns Rails' default
// inflections extended with its plural, singular, irregular,
// uncountable and acronym rules, applied in file order like Rails does.
// A rule that cannot be read (a regexp Go cannot express, a computed
// argument) is skipped; the first such problem is returned as an error
// together with the inflections that were read.
func ParseInflections(path string, src []byte) (*inflect.Inflections, error) {
	in := inflect.English()
	tree, err := parseRuby(path, src)
	if err != nil {
		return in, err
	}
	defer tree.Close()
	f := source.NewFile(path, src)
	var firstErr error
	walk(tree.RootNode(), func(n *sitter.Node) bool {
		if n.Type() != "call" {
			return true
		}
		recv := n.ChildByFieldName("receiver")
		if recv == nil || recv.Type() != "identifier" {
			return true
		}
		if err := applyInflection(in, n, src); err != nil && firstErr == nil {
			pos := f.Pos(int(n.StartByte()))
			firstErr = fmt.Errorf("%s:%d:%d: %w", path, pos.Line, pos.Column, err)
		}
		return true
	})
	return in, firstErr
}

// walk calls fn for n and its descendants, depth first; fn returning
// false skips the node's children.
func walk(n *sitter.Node, fn func(*sitter.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	for i := 0; i < int(n.NamedChildCount()); i++ {
		walk(n.NamedChild(i), fn)
	}
}

func applyInflection(in *inflect.Inflections, call *sitter.Node, src []byte) error {
	method := text(call.ChildByFieldName("method"), src)
	args := namedChildren(call.ChildByFieldName("arguments"))
	switch method {
	case "plural", "singular":
		if len(args) != 2 {
			return fmt.Errorf("inflect.%s: want a pattern and a replacement", method)
		}
		re, err := rubyPattern(args[0], src)
		if err != nil {
			return fmt.Errorf("inflect.%s: %w", method, err)
		}
		repl, ok := rubyLiteral(args[1], src)
		if !ok {
			return fmt.Errorf("inflect.%s: replacement is not a string literal", method)
		}
		if method == "plural" {
			in.Plural(re, repl)
		} else {
			in.Singular(re, repl)
		}
	case "irregular":
		if len(args) != 2 {
			return fmt.Errorf("inflect.irregular: want a singular and a plural")
		}
		s, ok1 := rubyLiteral(args[0], src)
		p, ok2 := rubyLiteral(args[1], src)
		if !ok1 || !ok2 {
			return fmt.Errorf("inflect.irregular: arguments are not string literals")
		}
		in.Irregular(s, p)
	case "uncountable":
		for _, w := range rubyWords(args, src) {
			in.Uncountable(w)
		}
	case "acronym":
		for _, w := range rubyWords(args, src) {
			in.Acronym(w)
		}
	}
	return nil
}

// rubyWords flattens string, symbol and %w[] arguments.
func rubyWords(args []*sitter.Node, src []byte) []string {
	var out []string
	for _, a := range args {
		switch a.Type() {
		case "array", "string_array", "symbol_array":
			out = append(out, rubyWords(namedChildren(a), src)...)
		default:
			if s, ok := rubyLiteral(a, src); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// rubyPattern converts a Ruby regexp literal (/x/i, %r{x}i) or a string
// (which Rails matches literally) into a Go regexp.
func rubyPattern(n *sitter.Node, src []byte) (*regexp.Regexp, error) {
	if n.Type() != "regex" {
		s, ok := rubyLiteral(n, src)
		if !ok {
			return nil, fmt.Errorf("pattern is not a regexp or string literal")
		}
		return regexp.Compile(regexp.QuoteMeta(s))
	}
	raw := text(n, src)
	end := len(raw)
	for end > 0 && raw[end-1] >= 'a' && raw[end-1] <= 'z' {
		end--
	}
	flags := raw[end:]
	body := raw[:end]
	if strings.HasPrefix(body, "%r") && len(body) >= 4 {
		body = body[3 : len(body)-1]
	} else if len(body) >= 2 {
		body = body[1 : len(body)-1]
	}
	if strings.Contains(body, "#{") {
		return nil, fmt.Errorf("interpolated regexp %s", raw)
	}
	body, err := rubyre.Source(body, flags)
	if err != nil {
		return nil, fmt.Errorf("regexp %s: %w", raw, err)
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, fmt.Errorf("regexp %s: %w", raw, err)
	}
	return re, nil
}
