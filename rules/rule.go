// Package rules defines what a schemagate rule is, the pass a rule runs
// on, and every rule schemagate ships. A rule is a value, like an
// analyzer in golang.org/x/tools/go/analysis: a name, docs and a Run
// function that reads typed schema operations and reports findings.
package rules

import (
	"fmt"
	"sort"
)

// DocsURL is where each rule's rendered explanation lives.
const DocsURL = "https://github.com/schemagate/schemagate/blob/main/docs/rules.md#"

// Rule is one check.
type Rule struct {
	Name     string
	Severity Severity // default severity; config may change it
	Category Category
	// Summary is one line for `schemagate rules` and SARIF.
	Summary string
	// Doc explains what the rule catches and why it matters while the
	// previous release is still running.
	Doc string
	// Bad and Good are SQL examples; Steps is the safe sequence.
	Bad   string
	Good  string
	Steps []string
	// NeedsReferences marks compatibility rules that are only precise
	// with the previous release's references (check); lint reports them
	// with a hint that check can verify them.
	NeedsReferences bool
	Run             func(*Pass)
}

// URL is the link to the rule's docs.
func (r *Rule) URL() string { return DocsURL + r.Name }

var registry = map[string]*Rule{}

// Register adds rules to the registry. Registering a name twice panics:
// it is a programming error caught by every test.
func Register(rs ...*Rule) {
	for _, r := range rs {
		if _, dup := registry[r.Name]; dup {
			panic(fmt.Sprintf("rules: %s registered twice", r.Name))
		}
		registry[r.Name] = r
	}
}

// Lookup returns the rule called name.
func Lookup(name string) (*Rule, bool) {
	r, ok := registry[name]
	return r, ok
}

// All returns every registered rule sorted by name.
func All() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
