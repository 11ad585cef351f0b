package cli

import (
	"strings"
	"testing"
)

// The placeholder the editor's ignore action once wrote does not let a
// drop of a column the running release reads through check: it exits 1
// and says why, where it exited 0.
func TestCheckRejectsPlaceholderReason(t *testing.T) {
	repo := scenarioRepo(t, "drop-column-placeholder-reason")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	code, stdout, stderr := run(t, repo, "", "check", "--previous", "previous", "--color", "never")
	if code != ExitFindings {
		t.Fatalf("check: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitFindings, stdout, stderr)
	}
	for _, want := range []string{
		"db/migrations/002_drop_legacy_score.sql:2:4: error[invalid-suppression] suppressing drop-column, a compatibility error, needs a reason a person wrote (the reason is a TODO placeholder)",
		"db/migrations/002_drop_legacy_score.sql:3:1: error[drop-column]",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}
