package lint

import (
	"bytes"
	"strings"
	"sync"

	"github.com/schemagate/schemagate/internal/source"
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
// `-- schemagate:ignore-file RULE` comments (also after `#` and `//` for
// Ruby and Python migrations). A comment alone on its line applies to the
// next line that holds code; after code, to its own line.
func parseSuppressions(f *source.File) []suppression {
	if !bytes.Contains(f.Text, []byte(marker)) {
		return nil
	}
	var out []suppression
	n := f.LineCount()
	for i := 1; i <= n; i++ {
		line := f.Line(i)
		at := strings.Index(line, marker)
		if at < 0 {
			continue
		}
		before := strings.TrimSpace(line[:at])
		prefix := ""
		for _, p := range []string{"--", "#", "//", "/*"} {
			if strings.HasSuffix(before, p) {
				prefix = p
				break
			}
		}
		if prefix == "" {
			continue
		}
		code := strings.TrimSpace(strings.TrimSuffix(before, prefix))
		rest := line[at+len(marker):]
		s := suppression{line: i}
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
		start := f.LineStart(i) + at
		s.span = f.Span(start, f.LineStart(i)+len(line))
		if code == "" && !s.file {
			s.line = nextCodeLine(f, i+1)
		}
		out = append(out, s)
	}
	return out
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
			if f.Category == rules.Compatibility && f.Severity == rules.Error && s.reason == "" {
				bad = append(bad, badSuppression(path, s, "suppressing "+f.Rule+", a compatibility error, needs a reason after the rule name"))
				out = append(out, f)
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
