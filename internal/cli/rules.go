package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/schemagate/schemagate/rules"
)

func newRulesCmd(stdio IO) *cobra.Command {
	var category string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every rule with its default severity and category",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if category != "" && !slices.Contains(rules.Categories, rules.Category(category)) {
				return fail("unknown --category %q (want %s)", category, categoryNames())
			}
			tw := tabwriter.NewWriter(stdio.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tCATEGORY\tSUMMARY")
			for _, r := range rules.All() {
				if category != "" && string(r.Category) != category {
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Severity, r.Category, r.Summary)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&category, "category", "", "only rules of this category ("+categoryNames()+")")
	return cmd
}

func newExplainCmd(stdio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule: why it matters while the previous release runs, examples and the safe sequence",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, ok := rules.Lookup(args[0])
			if !ok {
				if near := closeRules(args[0]); len(near) > 0 {
					return fail("unknown rule %q; did you mean %s? (`schemagate rules` lists them all)", args[0], strings.Join(near, " or "))
				}
				return fail("unknown rule %q (`schemagate rules` lists them all)", args[0])
			}
			fmt.Fprint(stdio.Out, Explain(r))
			return nil
		},
	}
}

// Explain renders a rule's documentation as plain text (also used for
// docs/rules.md and the language server's hover).
func Explain(r *rules.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s)\n\n%s\n\n", r.Name, r.Severity, r.Category, r.Summary)
	fmt.Fprintf(&b, "%s\n", wrap(r.Doc, 78))
	if r.Bad != "" {
		fmt.Fprintf(&b, "\nUnsafe:\n%s\n", indent(r.Bad))
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "\nSafe:\n%s\n", indent(r.Good))
	}
	if len(r.Steps) > 0 {
		fmt.Fprintf(&b, "\nSafe sequence:\n")
		for i, s := range r.Steps {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, s)
		}
	}
	if r.CheckOnly {
		fmt.Fprintf(&b, "\nOnly `schemagate check --previous REV` reports this: it needs to know what the running release uses.\n")
	} else if r.NeedsReferences {
		fmt.Fprintf(&b, "\n`schemagate lint` reports this as a warning; `schemagate check --previous REV` knows whether the running release uses what is changed and reports an error only then.\n")
	}
	fmt.Fprintf(&b, "\nDocs: %s\n", r.URL())
	return b.String()
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

// wrap fills each paragraph of s to width; a paragraph indented by four
// spaces (a table, code) is kept as written.
func wrap(s string, width int) string {
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		if !strings.HasPrefix(p, "    ") {
			paras[i] = fill(p, width)
		}
	}
	return strings.Join(paras, "\n\n")
}

func fill(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(s) {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// closeRules suggests the rules whose names are close to name (a typo, a
// word left out), nearest first, at most three; none when nothing is
// close, so an unrelated rule is never offered.
func closeRules(name string) []string {
	type cand struct {
		name string
		d    int
	}
	name = strings.ToLower(strings.TrimSpace(name))
	limit := max(2, len(name)/4)
	var cs []cand
	for _, r := range rules.All() {
		d := levenshtein(name, r.Name)
		if len(name) >= 4 && strings.Contains(r.Name, name) {
			d = min(d, 1) // a part of the name: drop-column for "drop-column-referenced"
		}
		if d <= limit {
			cs = append(cs, cand{r.Name, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// categoryNames lists the rule categories for help and errors.
func categoryNames() string { return joinNames(rules.Categories) }

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
