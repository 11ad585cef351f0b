package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemagate/schemagate/internal/refs"
)

func TestRefsByRevision(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	repo := scenarioRepo(t, "go-raw-rename")
	places := func(rev string) []string {
		code, out, stderr := run(t, repo, "", "refs", "--rev", rev, "--column", "accounts.plan", "--format", "json")
		if code != 0 {
			t.Fatalf("refs --rev %s: exit %d: %s", rev, code, stderr)
		}
		var doc struct {
			Version int
			Release string
			Refs    []refs.Reference
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range doc.Refs {
			got = append(got, r.File+":"+itoa(r.Line)+" "+r.Table+"."+r.Column+" "+string(r.Usage))
		}
		return got
	}
	if diff := cmp.Diff([]string{"internal/store/accounts.go:8 accounts.plan select"}, places("previous")); diff != "" {
		t.Errorf("previous (-want +got):\n%s", diff)
	}
	// The new release renamed the column in its query: nothing uses plan.
	if got := places("HEAD"); len(got) != 0 {
		t.Errorf("HEAD still uses accounts.plan: %v", got)
	}
	// A second run over the same revision comes from the cache.
	_, _, stderr := run(t, repo, "", "refs", "--rev", "previous", "-v")
	if !strings.Contains(stderr, "from the cache") {
		t.Errorf("second run was not cached: %s", stderr)
	}
	_, _, stderr = run(t, repo, "", "refs", "--rev", "previous", "-v", "--no-cache")
	if strings.Contains(stderr, "from the cache") {
		t.Errorf("--no-cache read the cache: %s", stderr)
	}
	code, _, stderr := run(t, repo, "", "refs", "--rev", "no-such-branch")
	if code != ExitError || !strings.Contains(stderr, "git fetch") {
		t.Errorf("missing revision: exit %d, %q", code, stderr)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
