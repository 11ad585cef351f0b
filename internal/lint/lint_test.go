package lint

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/catalog"
	"github.com/schemagate/schemagate/internal/config"
	"github.com/schemagate/schemagate/internal/migrations"
	"github.com/schemagate/schemagate/rules"
)

func unit(path, text string) *Unit {
	return &Unit{Migration: migrations.FromText(path, []byte(text), migrations.FormatSQL)}
}

type hit struct {
	Line     int
	Rule     string
	Severity string
}

func hits(fs []rules.Finding) []hit {
	var out []hit
	for _, f := range fs {
		out = append(out, hit{f.Span.Start.Line, f.Rule, f.Severity.String()})
	}
	return out
}

func TestSuppressions(t *testing.T) {
	text := `-- schemagate:ignore-file prefer-text-field
CREATE INDEX a ON users (email); -- schemagate:ignore require-concurrent-index-creation users is tiny
-- schemagate:ignore require-concurrent-index-creation,require-lock-timeout reviewed

CREATE INDEX b ON users (name);
CREATE INDEX c ON users (age);
-- schemagate:ignore no-such-rule because
ALTER TABLE users ADD COLUMN note varchar(10);
`
	got := hits(Run([]*Unit{unit("m.sql", text)}, Options{}))
	want := []hit{
		{6, "require-concurrent-index-creation", "warning"},
		{7, "invalid-suppression", "error"},
		{8, "require-lock-timeout", "warning"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSeverityOverridesAndOff(t *testing.T) {
	cfg, err := config.Parse("schemagate.yaml", []byte("rules:\n  require-concurrent-index-creation: error\n  require-lock-timeout: off\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := hits(Run([]*Unit{unit("m.sql", "CREATE INDEX a ON users (email);\nALTER TABLE users ADD COLUMN b int;\n")}, Options{Config: cfg}))
	if diff := cmp.Diff([]hit{{1, "require-concurrent-index-creation", "error"}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A rule that panics becomes an internal-error finding for that file;
// the other rules and files still report.
func TestPanickingRuleIsContained(t *testing.T) {
	boom := &rules.Rule{Name: "boom", Severity: rules.Warning, Category: rules.Style, Run: func(p *rules.Pass) {
		if strings.Contains(p.Migration.Path, "bad") {
			panic("index out of range")
		}
	}}
	units := []*Unit{unit("bad.sql", "SELECT 1;"), unit("good.sql", "CREATE INDEX a ON users (email);")}
	fs := Run(units, Options{Rules: []*rules.Rule{boom, rules.RequireConcurrentIndexCreation}})
	var got []string
	for _, f := range fs {
		got = append(got, f.File+" "+f.Rule)
		if f.Rule == "internal-error" && !strings.Contains(f.Message, "rule boom: index out of range") {
			t.Errorf("message %q", f.Message)
		}
	}
	if diff := cmp.Diff([]string{"bad.sql internal-error", "good.sql require-concurrent-index-creation"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Deeply nested expressions are PostgreSQL's problem, not a crash: the
// parser reports them and the rest of the file is still linted.
func TestDeeplyNested(t *testing.T) {
	deep := "SELECT " + strings.Repeat("(", 20000) + "1" + strings.Repeat(")", 20000) + ";\nCREATE INDEX a ON users (email);\n"
	got := hits(Run([]*Unit{unit("deep.sql", deep)}, Options{Catalog: catalog.New()}))
	want := []hit{{1, "syntax-error", "error"}, {2, "require-concurrent-index-creation", "warning"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Earlier migrations of a run build the schema later ones are checked
// against: the column's old type makes this change binary compatible.
func TestCatalogAcrossMigrations(t *testing.T) {
	units := []*Unit{
		unit("1.sql", "CREATE TABLE notes (body varchar(100));"),
		unit("2.sql", "SET lock_timeout = '1s';\nALTER TABLE notes ALTER COLUMN body TYPE text;\nALTER TABLE notes ALTER COLUMN body TYPE integer USING body::integer;"),
	}
	got := hits(Run(units, Options{Catalog: catalog.New()}))
	want := []hit{{1, "prefer-text-field", "hint"}, {3, "change-column-type", "warning"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
