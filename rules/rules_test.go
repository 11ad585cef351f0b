package rules_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Rule cases live in testdata/rules/<rule>/*.sql. A line that should
// carry a finding of the folder's rule ends with an expectation per
// finding: the rule and a regexp its message must match, so the text a
// person reads is under test too:
//
//	ALTER TABLE users DROP COLUMN a, DROP COLUMN b; -- want: drop-column "column users\.a", drop-column "users\.b"
//
// The regexp is what lies between the double quotes, as written (`\"` is
// a quote). Header directives set the context:
//
//	-- pg-version: 10
//	-- format: goose
//	-- transactional: true
//
// Only the folder's rule is compared, so each case shows exactly where
// that rule fires and where it must stay silent.
var (
	reWant      = regexp.MustCompile(`--\s*want:\s*(.*?)\s*$`)
	reWantItem  = regexp.MustCompile(`^\s*([a-z0-9-]+)\s+"((?:[^"\\]|\\.)*)"\s*(?:,|$)`)
	reDirective = regexp.MustCompile(`^--\s*(pg-version|format|transactional):\s*(\S+)\s*$`)
)

// hit is one finding on one line. A finding that matches an expectation
// of its line is recorded with that expectation's pattern; one that
// matches none with its message, so that the diff shows the text.
type hit struct {
	Line    int
	Rule    string
	Pattern string
	Message string
}

type want struct {
	hit
	re *regexp.Regexp
}

func TestRuleCases(t *testing.T) {
	root := filepath.Join("..", "testdata", "rules")
	dirs, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		rule, ok := rules.Lookup(d.Name())
		if !ok {
			t.Errorf("testdata/rules/%s: no rule of that name", d.Name())
			continue
		}
		seen[rule.Name] = true
		files, _ := filepath.Glob(filepath.Join(root, d.Name(), "*.sql"))
		if len(files) == 0 {
			t.Errorf("testdata/rules/%s has no cases", d.Name())
		}
		fires, silent := 0, 0
		for _, path := range files {
			t.Run(d.Name()+"/"+filepath.Base(path), func(t *testing.T) {
				wants, findings := runCase(t, path)
				if len(wants) > 0 {
					fires++
				} else {
					silent++
				}
				var want, got []hit
				for _, w := range wants {
					want = append(want, w.hit)
				}
				for _, f := range findings {
					if f.Rule == rule.Name {
						got = append(got, match(f, wants))
					}
				}
				sortHits(want)
				sortHits(got)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("findings of %s (-want +got):\n%s", rule.Name, diff)
				}
			})
		}
		if (fires == 0 && !rule.NeedsReferences) || silent == 0 {
			t.Errorf("testdata/rules/%s needs a case that fires and a case that must not (has %d and %d)", d.Name(), fires, silent)
		}
	}
	// Rules that need the previous release's references are exercised by
	// the check scenarios (internal/check); lint cases are optional there.
	for _, r := range rules.All() {
		if r.Checks() && !seen[r.Name] && !r.NeedsReferences {
			t.Errorf("rule %s has no cases under testdata/rules/%s", r.Name, r.Name)
		}
	}
}

// match pairs a finding with the first expectation of its line it
// satisfies; each expectation is used once.
func match(f rules.Finding, wants []want) hit {
	for i := range wants {
		w := &wants[i]
		if w.re != nil && w.Line == f.Span.Start.Line && w.Rule == f.Rule && w.re.MatchString(f.Message) {
			w.re = nil
			return w.hit
		}
	}
	return hit{Line: f.Span.Start.Line, Rule: f.Rule, Message: f.Message}
}

func sortHits(hs []hit) {
	sort.Slice(hs, func(i, j int) bool {
		a, b := hs[i], hs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Pattern+a.Message < b.Pattern+b.Message
	})
}

// parseWants reads the expectations after `-- want:` on one line.
func parseWants(t *testing.T, path string, line int, text string) []want {
	t.Helper()
	var out []want
	for text != "" {
		m := reWantItem.FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("%s:%d: want %q: expected <rule> \"<regexp>\"[, ...]", path, line, text)
		}
		re, err := regexp.Compile(m[2])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, line, err)
		}
		out = append(out, want{hit{Line: line, Rule: m[1], Pattern: m[2]}, re})
		text = text[len(m[0]):]
	}
	return out
}

// runCase lints one case file and returns its expectations and every
// finding of the run.
func runCase(t *testing.T, path string) ([]want, []rules.Finding) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := &migration.Migration{
		Path:    filepath.ToSlash(path),
		File:    source.NewFile(filepath.ToSlash(path), text),
		Format:  migration.FormatSQL,
		Regions: []migration.Region{{Start: 0, End: len(text)}},
	}
	cfg := config.Default()
	var wants []want
	for i, line := range strings.Split(string(text), "\n") {
		if mm := reWant.FindStringSubmatch(line); mm != nil {
			wants = append(wants, parseWants(t, path, i+1, mm[1])...)
		}
		if mm := reDirective.FindStringSubmatch(line); mm != nil {
			switch mm[1] {
			case "pg-version":
				v, err := strconv.Atoi(mm[2])
				if err != nil {
					t.Fatalf("%s:%d: bad pg-version", path, i+1)
				}
				cfg.PGVersion = v
			case "format":
				m.Format = migration.Format(mm[2])
			case "transactional":
				m.Transactional = mm[2] == "true"
			}
		}
	}
	// The case is replayed on an empty schema, as lint replays a run.
	findings := lint.Run([]*migration.Migration{m}, lint.Options{Config: cfg, Catalog: catalog.New()})
	for _, f := range findings {
		switch {
		case f.Rule == rules.SyntaxError.Name, f.Rule == rules.InternalError.Name:
			t.Errorf("%s:%d: %s: %s", path, f.Span.Start.Line, f.Rule, f.Message)
		case f.Message == "":
			t.Errorf("%s:%d: %s: finding without a message", path, f.Span.Start.Line, f.Rule)
		}
	}
	return wants, findings
}

func TestEveryRuleIsDocumented(t *testing.T) {
	for _, r := range rules.All() {
		if r.Summary == "" || r.Doc == "" || r.Category == "" || r.Severity == rules.Off {
			t.Errorf("rule %s lacks summary, doc, category or severity", r.Name)
		}
		if r.Checks() && (r.Bad == "" || r.Good == "" || len(r.Steps) == 0) {
			t.Errorf("rule %s lacks a bad example, a good example or safe steps", r.Name)
		}
		if !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`).MatchString(r.Name) {
			t.Errorf("rule name %q is not kebab-case", r.Name)
		}
	}
}

// TestRuleFiles keeps the package's layout: every rule is a file named
// after it holding one variable whose identifier is the name in Go
// (drop_column.go holds DropColumn, "drop-column"), and the list in all.go
// has every rule once, in name order.
func TestRuleFiles(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || len(vs.Values) != 1 {
				return true
			}
			name, ok := ruleName(vs.Values[0])
			if !ok {
				return true
			}
			ident := vs.Names[0].Name
			declared[name] = true
			if want := strings.ReplaceAll(name, "-", "_") + ".go"; filepath.Base(path) != want {
				t.Errorf("rule %s is declared in %s, not %s", name, path, want)
			}
			if !strings.EqualFold(ident, strings.ReplaceAll(name, "-", "")) {
				t.Errorf("rule %s is the Go identifier %s", name, ident)
			}
			if _, ok := rules.Lookup(name); !ok {
				t.Errorf("rule %s (%s) is missing from the list in all.go", name, path)
			}
			return true
		})
	}
	all := rules.All()
	for i, r := range all {
		if !declared[r.Name] {
			t.Errorf("rule %s is listed but not declared in a file of its own", r.Name)
		}
		if i > 0 && all[i-1].Name >= r.Name {
			t.Errorf("all.go: %s comes after %s; keep the list sorted by name, each rule once", r.Name, all[i-1].Name)
		}
	}
}

// ruleName returns the Name of a `&Rule{...}` literal.
func ruleName(e ast.Expr) (string, bool) {
	u, ok := e.(*ast.UnaryExpr)
	if !ok {
		return "", false
	}
	lit, ok := u.X.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "Rule" {
		return "", false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Name" {
			if b, ok := kv.Value.(*ast.BasicLit); ok {
				s, err := strconv.Unquote(b.Value)
				return s, err == nil
			}
		}
	}
	return "", false
}
