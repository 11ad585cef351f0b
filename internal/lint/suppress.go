package lint

import (
	"bytes"
	"go/scanner"
	"go/token"
	"strings"
	"sync"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/schemagate/schemagate/internal/refs/lang"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/internal/sqlparse"
	"github.com/schemagate/schemagate/rules"
)

// suppression is one `schemagate:ignore` comment.
type suppression struct {
	rules  []string
	reason string
	file   bool // ignore-file
	line   int  // the line it applies to (the comment's own line, or the next code line)
	span   source.Span
}

const marker = "schemagate:ignore"

// suppressions parses each file's comments once per run: the units of
// one file (the migrations of a Go migration list) share them.
type suppressions struct {
	mu sync.Mutex
	m  map[*source.File][]suppression
}

func (c *suppressions) of(f *source.File) []suppression {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[f]; ok {
		return s
	}
	if c.m == nil {
		c.m = map[*source.File][]suppression{}
	}
	s := parseSuppressions(f)
	c.m[f] = s
	return s
}

// parseSuppressions finds `-- schemagate:ignore RULE[,RULE] reason` and
// `-- schemagate:ignore-file RULE` comments: real comments of the file's
// language (SQL's -- and /* */, Ruby's and Python's #), never text inside
// a string literal or a dollar-quoted body. A comment alone on its line
// applies to the next line that holds code; after code, to its own line.
func parseSuppressions(f *source.File) []suppression {
	if !bytes.Contains(f.Text, []byte(marker)) {
		return nil
	}
	var out []suppression
	for _, c := range comments(f) {
		body := string(f.Text[c.start:c.end])
		at := strings.Index(body, marker)
		// The directive opens the comment: "-- note: schemagate:ignore"
		// is prose about one.
		if at < 0 || strings.TrimSpace(strings.TrimLeft(body[:at], "-#/*")) != "" {
			continue
		}
		abs := c.start + at
		line := f.Pos(abs).Line
		lineStart := f.LineStart(line)
		code := ""
		if c.start > lineStart {
			code = strings.TrimSpace(string(f.Text[lineStart:c.start]))
		}
		rest, _, _ := strings.Cut(body[at+len(marker):], "\n")
		s := suppression{line: line}
		if strings.HasPrefix(rest, "-file") {
			s.file = true
			rest = rest[len("-file"):]
		}
		rest = strings.TrimSuffix(strings.TrimSpace(rest), "*/")
		fields := strings.Fields(rest)
		if len(fields) > 0 {
			for _, r := range strings.Split(fields[0], ",") {
				if r = strings.TrimSpace(r); r != "" {
					s.rules = append(s.rules, r)
				}
			}
			s.reason = strings.TrimSpace(strings.Join(fields[1:], " "))
		}
		s.span = f.Span(abs, lineStart+len(f.Line(line)))
		if code == "" && !s.file {
			s.line = nextCodeLine(f, line+1)
		}
		out = append(out, s)
	}
	return out
}

type byteRange struct{ start, end int }

// comments returns the comments of f in the language of its file: Go
// through go/scanner, Ruby, Python, JavaScript, TypeScript and Java
// (framework migrations, migrations written in code) through their
// tree-sitter grammars, anything else as SQL through PostgreSQL's scanner
// rules.
func comments(f *source.File) []byteRange {
	switch l := lang.Detect(f.Path); l {
	case "":
	case lang.Go:
		return goComments(f.Text)
	default:
		tree, err := lang.Tree(l, f.Path, f.Text)
		if err != nil {
			return nil
		}
		defer tree.Close()
		return treeComments(tree.RootNode())
	}
	var out []byteRange
	for _, t := range sqlparse.Comments(string(f.Text)) {
		out = append(out, byteRange{t.Start, t.End})
	}
	return out
}

func goComments(src []byte) []byteRange {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, scanner.ScanComments)
	var out []byteRange
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.COMMENT {
			off := file.Offset(pos)
			out = append(out, byteRange{off, min(off+len(lit), len(src))})
		}
	}
}

// treeComments returns the comment nodes under root, walking the tree
// with a cursor (linear, and no recursion on deep trees).
func treeComments(root *sitter.Node) []byteRange {
	c := sitter.NewTreeCursor(root)
	defer c.Close()
	var out []byteRange
	for {
		switch n := c.CurrentNode(); n.Type() {
		case "comment", "line_comment", "block_comment":
			out = append(out, byteRange{int(n.StartByte()), int(n.EndByte())})
		}
		if c.GoToFirstChild() {
			continue
		}
		for !c.GoToNextSibling() {
			if !c.GoToParent() {
				return out
			}
		}
	}
}

func nextCodeLine(f *source.File, from int) int {
	n := f.LineCount()
	for i := from; i <= n; i++ {
		t := strings.TrimSpace(f.Line(i))
		if t == "" || strings.HasPrefix(t, "--") || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
			continue
		}
		return i
	}
	return n + 1
}

// applySuppressions drops suppressed findings and reports bad
// suppressions.
func applySuppressions(path string, sups []suppression, findings []rules.Finding) []rules.Finding {
	if len(sups) == 0 {
		return findings
	}
	var bad []rules.Finding
	valid := sups[:0:0]
	for _, s := range sups {
		ok := len(s.rules) > 0
		for _, name := range s.rules {
			if _, known := rules.Lookup(name); !known {
				ok = false
				bad = append(bad, badSuppression(path, s, "schemagate:ignore names unknown rule "+quote(name)+" (see `schemagate rules`)"))
			}
		}
		if len(s.rules) == 0 {
			bad = append(bad, badSuppression(path, s, "schemagate:ignore needs the names of the rules it suppresses"))
		}
		if ok {
			valid = append(valid, s)
		}
	}
	out := findings[:0]
	for _, f := range findings {
		if s, ok := suppressedBy(valid, f); ok {
			if NeedsReason(f) {
				if msg := reasonProblem(f, s.reason); msg != "" {
					bad = append(bad, badSuppression(path, s, msg))
					out = append(out, f)
				}
			}
			continue
		}
		out = append(out, f)
	}
	return append(out, bad...)
}

func suppressedBy(sups []suppression, f rules.Finding) (suppression, bool) {
	for _, s := range sups {
		if !s.file && s.line != f.Span.Start.Line {
			continue
		}
		for _, r := range s.rules {
			if r == f.Rule {
				return s, true
			}
		}
	}
	return suppression{}, false
}

func badSuppression(path string, s suppression, msg string) rules.Finding {
	return rules.InvalidSuppression.At(path, s.span, msg)
}

func quote(s string) string { return `"` + s + `"` }
