package lint

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/migration"
	"github.com/schemagate/schemagate/rules"
)

// A compatibility error is suppressed only by a reason a person wrote:
// the placeholders people and templates leave behind keep the finding
// and add an invalid-suppression error that says what is wrong.
func TestSuppressionNeedsAWrittenReason(t *testing.T) {
	const stmt = "ALTER TABLE users ADD COLUMN x int NOT NULL;\n"
	cases := []struct {
		reason string
		want   string // "" when the reason is accepted; else a word of the message
	}{
		{"", "needs a reason after the rule name"},
		{"TODO: say why this is safe", "TODO placeholder"},
		{"todo", "TODO placeholder"},
		{"FIXME", "FIXME placeholder"},
		{"XXX why", "XXX placeholder"},
		{"TBD", "TBD placeholder"},
		{"say why", "stands in for a reason"},
		{"reason", "stands in for a reason"},
		{"<reason>", "stands in for a reason"},
		{"it is safe", "stands in for a reason"},
		{"...", "has no words"},
		{"users is empty in every environment: created in 001 and not yet written to", ""},
		{"backfilled by 20240101_fill_x; the running release sets x on insert", ""},
	}
	for _, c := range cases {
		t.Run(c.reason, func(t *testing.T) {
			text := "-- schemagate:ignore add-column-not-null-without-default " + c.reason + "\n" + stmt
			fs := Run([]*migration.Migration{unit("m.sql", text)}, Options{Rules: []*rules.Rule{rules.AddColumnNotNullWithoutDefault}})
			var got []string
			msg := ""
			for _, f := range fs {
				got = append(got, f.Rule)
				if f.Rule == rules.InvalidSuppression.Name {
					msg = f.Message
				}
			}
			var want []string
			if c.want != "" {
				want = []string{rules.InvalidSuppression.Name, rules.AddColumnNotNullWithoutDefault.Name}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("findings (-want +got):\n%s", diff)
			}
			if c.want != "" && !strings.Contains(msg, c.want) {
				t.Errorf("message %q does not say %q", msg, c.want)
			}
		})
	}
}

// Findings that are not compatibility errors are suppressed with or
// without a reason, whatever it says.
func TestSuppressionReasonOptionalElsewhere(t *testing.T) {
	for _, reason := range []string{"", "TODO"} {
		text := "-- schemagate:ignore require-concurrent-index-creation " + reason + "\nCREATE INDEX a ON users (email);\n"
		fs := Run([]*migration.Migration{unit("m.sql", text)}, Options{Rules: []*rules.Rule{rules.RequireConcurrentIndexCreation}})
		if len(fs) != 0 {
			t.Errorf("reason %q: %v", reason, hits(fs))
		}
	}
}
