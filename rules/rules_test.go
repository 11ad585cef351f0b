package rules_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/lint"
	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/internal/source"
	"github.com/schemagate/schemagate/rules"
)

// Rule cases live in testdata/rules/<rule>/*.sql. A line that should
// carry a finding of the folder's rule ends with `-- want: <rule>`;
// header directives set the context:
//
//	-- pg-version: 10
//	-- format: goose
//	-- transactional: true
//
// Only the folder's rule is compared, so each case shows exactly where
// that rule fires and where it must stay silent.
var (
	reWant      = regexp.MustCompile(`--\s*want:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$`)
	reDirective = regexp.MustCompile(`^--\s*(pg-version|format|transactional):\s*(\S+)\s*$`)
)

type hit struct {
	Line int
	Rule string
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
				want, got := runCase(t, rule, path)
				if len(want) > 0 {
					fires++
				} else {
					silent++
				}
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
		if r.Run != nil && !seen[r.Name] && !r.NeedsReferences {
			t.Errorf("rule %s has no cases under testdata/rules/%s", r.Name, r.Name)
		}
	}
}

func runCase(t *testing.T, rule *rules.Rule, path string) (want, got []hit) {
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
	for i, line := range strings.Split(string(text), "\n") {
		if mm := reWant.FindStringSubmatch(line); mm != nil {
			for _, r := range strings.Split(mm[1], ",") {
				want = append(want, hit{i + 1, strings.TrimSpace(r)})
			}
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
	findings := lint.Run([]*migration.Migration{m}, lint.Options{Config: cfg})
	for _, f := range findings {
		switch f.Rule {
		case rule.Name:
			got = append(got, hit{f.Span.Start.Line, f.Rule})
		case rules.SyntaxError.Name, rules.InternalError.Name:
			t.Errorf("%s:%d: %s: %s", path, f.Span.Start.Line, f.Rule, f.Message)
		}
		if f.Rule == rule.Name && f.Message == "" {
			t.Errorf("%s:%d: finding without a message", path, f.Span.Start.Line)
		}
	}
	return want, got
}

func TestEveryRuleIsDocumented(t *testing.T) {
	for _, r := range rules.All() {
		if r.Summary == "" || r.Doc == "" || r.Category == "" || r.Severity == rules.Off {
			t.Errorf("rule %s lacks summary, doc, category or severity", r.Name)
		}
		if r.Run != nil && (r.Bad == "" || r.Good == "" || len(r.Steps) == 0) {
			t.Errorf("rule %s lacks a bad example, a good example or safe steps", r.Name)
		}
		if !regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`).MatchString(r.Name) {
			t.Errorf("rule name %q is not kebab-case", r.Name)
		}
	}
}
