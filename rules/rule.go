package rules

import (
	"github.com/schemagate/schemagate/internal/ops"
	"github.com/schemagate/schemagate/internal/source"
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
	// Kinds are the operations Op looks at (every kind when empty), like
	// an analyzer's node filter. KnownColumns narrows them to columns the
	// running release has: a column a pending migration added is new to
	// it, so dropping, renaming or retyping it breaks nothing there.
	Kinds        []ops.Kind
	KnownColumns bool
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
	// CheckOnly marks, among those, the rules that say nothing without
	// the references: Pass.Run runs them only when Pass.Compat is set
	// (check), so lint never reports them.
	CheckOnly bool
	// Op checks one operation of Kinds. It is called in order, for each
	// one but those on a table the running release does not have: a
	// table created in this migration or a pending one (Pass.IsNew) is
	// new to it, and nobody else can lock or break it.
	Op func(p *Pass, op *ops.Op)
	// Run checks the whole migration at once, for rules that look at
	// more than one operation at a time or at new tables too. A rule has
	// an Op or a Run, not both.
	Run func(*Pass)
}

// Checks reports whether the rule reads migrations itself (it has an Op
// or a Run). The others are the findings of the engine, check and verify,
// made with At.
func (r *Rule) Checks() bool { return r.Op != nil || r.Run != nil }

// URL is the link to the rule's docs.
func (r *Rule) URL() string { return DocsURL + r.Name }

// At builds a finding of the rule at span in file, with the rule's
// default severity. It is how the findings of rules that do not check
// migrations themselves (the engine's, check's and verify's) are made;
// the others report through their Pass.
func (r *Rule) At(file string, span source.Span, message string) Finding {
	return Finding{Rule: r.Name, Severity: r.Severity, Category: r.Category, File: file, Span: span, Message: message}
}
