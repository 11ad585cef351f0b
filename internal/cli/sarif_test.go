package cli

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A run that exits 2 never tells code scanning it ran successfully: the
// SARIF log (written even when the run stopped before its report) has
// executionSuccessful false and the error as a notification.
func TestSARIFOnRunsThatExit2(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"partial/001_index.sql":        "CREATE INDEX users_email ON users (email);\n",
		"partial/002_seed.sql":         "INSERT INTO users VALUES (\x00);\n",
		"badcfg/schemagate.yaml":       "rules: {<<, {00}}",
		"badcfg/db/migrations/001.sql": "SELECT 1;\n",
	})

	tests := []struct {
		name    string
		dir     string
		args    []string
		errors  []string
		results int
	}{
		{"a file that cannot be read", dir, []string{"lint", "--format", "sarif", "partial"},
			[]string{"partial/002_seed.sql: binary file"}, 1},
		{"a config that cannot be read", filepath.Join(dir, "badcfg"), []string{"lint", "--format", "sarif"},
			[]string{filepath.Join(dir, "badcfg", "schemagate.yaml") + ": line 1: a key must be a name, not a mapping"}, 0},
		{"no previous release", dir, []string{"check", "--format", "sarif"},
			[]string{"check needs the deployed release: pass --previous REV (in pre-merge CI the base branch, e.g. origin/main), --previous-snapshot FILE, or --previous-from-service SERVICE, or set previous: in schemagate.yaml"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			code, out, stderr := run(t, tt.dir, "", tt.args...)
			if code != ExitError {
				t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
			}
			var doc struct {
				Runs []struct {
					Invocations []struct {
						ExecutionSuccessful        bool `json:"executionSuccessful"`
						ToolExecutionNotifications []struct {
							Level   string                `json:"level"`
							Message struct{ Text string } `json:"message"`
						} `json:"toolExecutionNotifications"`
					} `json:"invocations"`
					Results []json.RawMessage `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Runs) != 1 || len(doc.Runs[0].Invocations) != 1 {
				t.Fatalf("not a SARIF log with one run and one invocation (%v):\n%s\nstderr: %s", err, out, stderr)
			}
			inv := doc.Runs[0].Invocations[0]
			var errs []string
			for _, n := range inv.ToolExecutionNotifications {
				if n.Level == "error" {
					errs = append(errs, n.Message.Text)
				}
			}
			if diff := cmp.Diff(tt.errors, errs); diff != "" || inv.ExecutionSuccessful {
				t.Errorf("executionSuccessful %v; error notifications (-want +got):\n%s", inv.ExecutionSuccessful, diff)
			}
			if len(doc.Runs[0].Results) != tt.results {
				t.Errorf("%d results, want %d", len(doc.Runs[0].Results), tt.results)
			}
		})
	}
}
