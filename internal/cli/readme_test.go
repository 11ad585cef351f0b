package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readmeJSONStart and readmeJSONEnd frame the README's JSON example.
const (
	readmeJSONStart = "<!-- json-example: internal/cli/readme_test.go writes it from a real run -->\n```json\n"
	readmeJSONEnd   = "```\n"
)

// The README's JSON example is the output of a real check run, so it can
// show no field that the tool does not write (nor miss one that it does).
// Only what changes from run to run is fixed: the commit id of the
// release and the tool's version. go test ./internal/cli -run README
// -update rewrites it.
func TestREADMEJSONExample(t *testing.T) {
	repo := scenarioRepo(t, "go-sqlc-unsafe-drop")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, out, stderr := run(t, repo, "", "check", "--previous", "previous", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	short := strings.TrimSpace(gitOut(t, repo, "rev-parse", "--short=7", "previous"))
	out = strings.ReplaceAll(out, short+" (previous)", "a1b2c3d (origin/main)")
	out = strings.Replace(out, `"tool_version": "`+ToolVersion()+`"`, `"tool_version": "v0.1.0"`, 1)

	path := filepath.Join(repoRoot(t), "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, readmeJSONStart)
	if start < 0 {
		t.Fatalf("README.md has no %q", readmeJSONStart)
	}
	start += len(readmeJSONStart)
	end := strings.Index(readme[start:], readmeJSONEnd)
	if end < 0 {
		t.Fatal("README.md's JSON example is not closed")
	}
	if *update {
		readme = readme[:start] + out + readme[start+end:]
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(readme[start:start+end], out); diff != "" {
		t.Errorf("README.md's JSON example is not what check writes (-README +real run; go test ./internal/cli -run README -update):\n%s", diff)
	}
}
