package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Framework migration code real projects write, checked end to end on
// the testdata/check scenarios that hold it: two releases committed into
// a git repository, `schemagate check --previous` on the new one. A
// scenario whose want.txt lists errors (a drop of a column the previous
// release still uses) must exit 1 with exactly those errors, in the
// migration's own file; its -safe twin is the same change after a
// release that stopped using the column, and must exit 0, as must a drop
// under a condition schemagate cannot decide (a warning).
var idiomScenarios = []string{
	"django-class-attribute-operations", "django-class-attribute-operations-safe", // operations in class attributes, SeparateDatabaseAndState(database_operations=...)
	"rails-sqlserver-branch", "rails-sqlserver-branch-safe", // Doorkeeper's adapter_name == "SQLServer" branch
	"discourse-column-dropper", "discourse-column-dropper-safe", // Migration::ColumnDropper.execute_drop
	"alembic-dialect-branch", "alembic-dialect-branch-safe", // op.get_bind().dialect.name
	"rails-undecided-drop", // remove_column under if ENV[...]
}

func TestFrameworkIdiomsEndToEnd(t *testing.T) {
	type finding struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		File     string `json:"file"`
		Line     int    `json:"line"`
		Message  string `json:"message"`
	}
	for _, sc := range idiomScenarios {
		t.Run(sc, func(t *testing.T) {
			want := wantedErrors(t, filepath.Join(repoRoot(t), "testdata", "check", sc, "want.txt"))
			wantCode := ExitFindings
			if len(want) == 0 {
				wantCode = ExitClean
			}
			code, out, errOut := run(t, scenarioRepo(t, sc), "", "check", "--previous", "previous", "--format", "json", "--color", "never")
			var doc struct {
				Findings []finding `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("exit %d, output is not JSON (%v):\n%s\n%s", code, err, out, errOut)
			}
			var errs []string
			for _, f := range doc.Findings {
				if f.Rule == "syntax-error" {
					t.Errorf("syntax error: %s:%d %s", f.File, f.Line, f.Message)
				}
				if f.Severity == "error" {
					errs = append(errs, fmt.Sprintf("%s:%d %s", f.File, f.Line, f.Rule))
				}
			}
			if code != wantCode || strings.Join(errs, "\n") != strings.Join(want, "\n") {
				t.Errorf("exit %d, errors %q; want exit %d, errors %q\n%s%s", code, errs, wantCode, want, out, errOut)
			}
		})
	}
}

// wantedErrors reads the errors a scenario's want.txt lists, as
// "<file>:<line> <rule>".
func wantedErrors(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "error" {
			out = append(out, f[2]+" "+f[1])
		}
	}
	return out
}
