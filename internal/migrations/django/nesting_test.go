package django

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/migrations/nesting"
)

// A migration nested past Python's limit is refused before tree-sitter
// parses it; one at the limit translates; the other files keep theirs.
func TestNestingBound(t *testing.T) {
	// operations = [ and RunSQL( are two levels.
	runSQL := func(levels int) string {
		n := levels - 2
		return "        migrations.RunSQL(" + strings.Repeat("(", n) + "'SELECT 1'" + strings.Repeat(")", n) + "),\n"
	}
	addField := `        migrations.AddField(model_name="order", name="note", field=models.TextField(null=True)),
`
	deep := second("5.2", "", "", runSQL(nesting.MaxPython+1))
	_, trs := translateFiles(t, New(), map[string]string{
		"shop/migrations/0001_initial.py":  initial,
		"shop/migrations/0002_at_bound.py": second("5.2", "", "", runSQL(nesting.MaxPython)),
		"shop/migrations/0003_deep.py":     deep,
		"shop/migrations/0004_field.py":    second("5.2", "", "", addField),
	})
	got := map[string][]string{}
	for _, tr := range trs {
		var lines []string
		for _, s := range tr.SQL {
			lines = append(lines, s.Text)
		}
		for _, n := range tr.Notes {
			lines = append(lines, fmt.Sprintf("%d:%d ", n.Span.Start.Line, n.Span.Start.Column)+string(n.Kind)+": "+n.Message)
		}
		got[tr.Migration.Path] = lines
	}
	at := strings.Index(deep, "RunSQL(") + len("RunSQL(") + nesting.MaxPython - 2
	line := strings.Count(deep[:at], "\n") + 1
	col := at - strings.LastIndexByte(deep[:at], '\n')
	want := map[string][]string{
		"shop/migrations/0001_initial.py":  got["shop/migrations/0001_initial.py"],
		"shop/migrations/0002_at_bound.py": {"SELECT 1"},
		"shop/migrations/0003_deep.py":     {fmt.Sprintf("%d:%d syntax-error: ", line, col) + tooDeepMessage},
		"shop/migrations/0004_field.py":    {`ALTER TABLE "shop_order" ADD COLUMN "note" text NULL`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("translations (-want +got):\n%s", diff)
	}
	if len(got["shop/migrations/0001_initial.py"]) == 0 {
		t.Error("0001_initial translated to nothing")
	}
}
